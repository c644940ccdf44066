/**
 * Support for the web pages' browser tests: finds Debian's Chromium (or CHROMIUM_PATH), launches it
 * headless with playwright-core, serves each province of a test cluster over HTTP with the web
 * router next to the API, and records console errors and uncaught page errors.
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../app';
import { createTokenVerifier } from '../auth/tokens';
import { createLogger } from '../logging';
import { closeServer, listen } from '../main';
import { provinceRouters } from '../routes';
import type { ClusterProvince } from '../demo/cluster';
import type { LedgerPort } from '../ledger/port';
import { ping } from '../storage/db';
import { createWebRouter } from '.';

/** Where Chromium is looked for when CHROMIUM_PATH is not set. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** Command-line switches for a quiet headless Chromium. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium executable to use: CHROMIUM_PATH when set, otherwise Debian's, if present. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const path = env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM;
  return existsSync(path) ? path : undefined;
}

/** Why the browser suite cannot run here, or undefined when it can. */
export function browserUnavailableReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (chromiumPath(env) !== undefined) return undefined;
  return `no Chromium executable at ${env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM} (run scripts/install-browser.sh or set CHROMIUM_PATH)`;
}

/** Launches headless Chromium. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}

/** A province served over HTTP with its API and web pages. */
export interface ServedProvince {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves a cluster province on 127.0.0.1 (random port) with an app built as main.ts builds it,
 * plus the web router.
 */
export async function serveWithWeb(province: ClusterProvince, ledger: LedgerPort): Promise<ServedProvince> {
  const { config, runtime, material } = province;
  const app = createApp({
    logger: createLogger({ level: 'silent' }),
    bodyLimitBytes: config.bodyLimitBytes,
    verifier: createTokenVerifier({
      issuers: config.tokenIssuers,
      audience: config.tokenAudience,
      clockToleranceSeconds: config.clockToleranceSeconds,
    }),
    routers: [
      ...provinceRouters(runtime.services),
      createWebRouter({ mspId: material.mspId, provinceCode: material.code }),
    ],
    readiness: async () => {
      const database = await ping(runtime.pool);
      const height = await ledger.chainInfo().then(
        (info) => info.height,
        () => 0,
      );
      return { ok: database && height > 0, checks: { database, ledger: height > 0 } };
    },
  });
  const server: Server = await listen(app, 0, '127.0.0.1');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) };
}

/** Problems a page reported. */
export interface PageProblems {
  /** console.error messages (with their source URL) and uncaught exceptions. */
  readonly errors: string[];
}

/** Records console errors and uncaught exceptions of `page`. */
export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { errors: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.errors.push(`console: ${msg.text()} @ ${msg.location().url}`);
  });
  page.on('pageerror', (error) => problems.errors.push(`pageerror: ${error.message}`));
  return problems;
}

/**
 * Chromium logs every HTTP error answer to fetch as a console error ("Failed to load resource");
 * a test that provokes one on purpose removes exactly that entry, and nothing else.
 */
export function withoutExpectedHttpErrors(errors: readonly string[], expected: readonly number[]): string[] {
  const left = [...errors];
  for (const status of expected) {
    const i = left.findIndex((e) =>
      e.startsWith(`console: Failed to load resource: the server responded with a status of ${status} `),
    );
    if (i >= 0) left.splice(i, 1);
  }
  return left;
}

/** A fresh context (own sessionStorage, like a separate user) and a watched page in it. */
export async function openUser(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; problems: PageProblems }> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  return { context, page, problems: watchPage(page) };
}

// In-page probes. They are sent as expressions, not functions: the gateway's TypeScript program
// has no DOM library, and these few lines are all that runs inside the page.

/** A computed style property of the first element matching `selector`. */
export function computedStyle(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate<string>(
    `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)})`,
  );
}

/**
 * Evaluates `expression` in the page every 50 ms until it is true (polled from here: the page's
 * CSP forbids the eval that page.waitForFunction would use for a string predicate).
 */
export async function pollUntil(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once the image matching `selector` has loaded, with its natural width. */
export async function imageLoaded(page: Page, selector: string): Promise<number> {
  const q = JSON.stringify(selector);
  await pollUntil(
    page,
    `(() => { const i = document.querySelector(${q}); return i !== null && i.complete && i.naturalWidth > 0; })()`,
  );
  return page.evaluate<number>(`document.querySelector(${q}).naturalWidth`);
}

/** Resolves once the value of the form control matching `selector` differs from `old`. */
export async function valueChanged(page: Page, selector: string, old: string): Promise<string> {
  await pollUntil(
    page,
    `(() => { const e = document.querySelector(${JSON.stringify(selector)}); return e !== null && e.value !== ${JSON.stringify(old)}; })()`,
  );
  return page.inputValue(selector);
}

/** Elements sticking out of the viewport on the right (none on a page that fits a phone). */
export function overflowing(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 0.5)
      .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + el.className)
      .slice(0, 10);
  })()`);
}

/** Form controls with no accessible name: no <label> and no aria-label (ids or markup). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea')]
    .filter((el) => (el.labels ? el.labels.length : 0) === 0 && el.getAttribute('aria-label') === null)
    .map((el) => el.id || el.outerHTML.slice(0, 60))`);
}

/** The visible error text next to the control whose data-field is `field` ('' when none). */
export async function fieldError(page: Page, field: string): Promise<string> {
  const input = page.locator(`[data-field="${field}"]`);
  const id = await input.getAttribute('id');
  if (id === null) throw new Error(`the control for ${field} has no id`);
  const error = page.locator(`[id="${id}-error"]`);
  if ((await input.getAttribute('aria-invalid')) !== 'true' || !(await error.isVisible())) return '';
  return (await error.textContent()) ?? '';
}
