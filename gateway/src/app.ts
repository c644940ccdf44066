/**
 * Builds the gateway's express application from injected dependencies. No I/O happens here: the
 * caller (main, or a test) supplies routers, the token verifier and the readiness probe, and
 * decides where to listen.
 */
import express from 'express';
import type { Express, RequestHandler, Router } from 'express';
import type { Logger } from './logging';
import { requestId } from './http/request-id';
import { requestLog } from './http/request-log';
import { jsonBody } from './http/body';
import { rejectControlCharacters } from './http/text';
import { notFound, problemHandler } from './http/problem';
import { authenticate } from './auth/middleware';
import type { TokenVerifier } from './auth/tokens';
import { buildOpenApi } from './openapi';
import type { OpenApiInfo, OpenApiObject, OpenApiPart } from './openapi';

/** A router and where it is mounted. */
export interface MountedRouter {
  readonly path: string;
  readonly router: Router;
  /** Whether callers must present an access token (default true). */
  readonly authenticated?: boolean;
  /** The path items this router serves, relative to `path`. */
  readonly openapi?: Omit<OpenApiPart, 'basePath'>;
}

/** Result of the readiness probe. */
export interface Readiness {
  readonly ok: boolean;
  readonly checks: Readonly<Record<string, boolean>>;
}

/** Everything the app needs. */
export interface AppDeps {
  readonly logger: Logger;
  /** Largest request body, in bytes. */
  readonly bodyLimitBytes: number;
  /** Verifies access tokens for authenticated routers. */
  readonly verifier: TokenVerifier;
  readonly routers: readonly MountedRouter[];
  readonly readiness: () => Promise<Readiness>;
  readonly openapiInfo?: OpenApiInfo;
}

/** API prefix. */
export const API_PREFIX = '/api/v1';

/** Headers every response carries. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  next();
};

/** API responses are per-caller data: never cached, never rendered as a document. */
const apiHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  next();
};

/** Builds the express app. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(securityHeaders, requestId(deps.logger), requestLog(deps.logger));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (req, res) => {
    let readiness: Readiness;
    try {
      readiness = await deps.readiness();
    } catch (err) {
      (req.log ?? deps.logger).warn({ err }, 'readiness probe failed');
      readiness = { ok: false, checks: {} };
    }
    res.setHeader('Cache-Control', 'no-store');
    res
      .status(readiness.ok ? 200 : 503)
      .json({ status: readiness.ok ? 'ready' : 'unavailable', checks: readiness.checks });
  });

  const document: OpenApiObject = buildOpenApi(
    deps.routers.flatMap((r) => (r.openapi === undefined ? [] : [{ ...r.openapi, basePath: r.path }])),
    deps.openapiInfo ?? { title: 'licence-ledger province gateway', version: '1.0.0' },
  );
  const documentJson = JSON.stringify(document);

  app.use(API_PREFIX, apiHeaders);
  app.get(`${API_PREFIX}/openapi.json`, (_req, res) => {
    res.type('application/json').send(documentJson);
  });

  app.use(jsonBody(deps.bodyLimitBytes));
  // Every text a handler can see is checked here, once (see http/text.ts).
  app.use(rejectControlCharacters);
  const auth = authenticate(deps.verifier);
  for (const mounted of deps.routers) {
    if (mounted.authenticated === false) app.use(mounted.path, mounted.router);
    else app.use(mounted.path, auth, mounted.router);
  }

  app.use(notFound);
  app.use(problemHandler(deps.logger));
  return app;
}
