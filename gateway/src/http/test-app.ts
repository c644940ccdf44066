/**
 * A createApp wired with fakes, for tests of the HTTP layer: a silent logger, the auth test kit's
 * verifier and whatever routers the test passes.
 */
import type { Express } from 'express';
import { createApp } from '../app';
import type { MountedRouter, Readiness } from '../app';
import { createLogger } from '../logging';
import type { TokenVerifier } from '../auth/tokens';
import type { Problem } from './problem';

/** Builds an app with a silent logger and the given routers. */
export function testApp(options: {
  verifier: TokenVerifier;
  routers: readonly MountedRouter[];
  bodyLimitBytes?: number;
  readiness?: () => Promise<Readiness>;
}): Express {
  return createApp({
    logger: createLogger({ level: 'silent' }),
    bodyLimitBytes: options.bodyLimitBytes ?? 64 * 1024,
    verifier: options.verifier,
    routers: options.routers,
    readiness: options.readiness ?? (() => Promise.resolve({ ok: true, checks: { database: true } })),
  });
}

/** A response body read as `T` (a problem by default); supertest types bodies as any. */
export function bodyOf<T = Problem>(res: { body: unknown }): T {
  return res.body as T;
}
