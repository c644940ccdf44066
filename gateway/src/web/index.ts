/**
 * The web pages of a province gateway: a landing page and the three consoles (issuer, citizen
 * wallet, verifier). Pages are static HTML with the province's name filled in at start-up; their
 * scripts call the REST API of the same gateway with the user's bearer token. Every page response
 * carries a strict Content-Security-Policy (no inline script or style, same-origin connections
 * only, data: images for the QR code).
 */
import { Router } from 'express';
import type { Request, Response } from 'express';
import type { MountedRouter } from '../app';
import { loadWebFiles, etagOf } from './assets';
import type { WebFiles } from './assets';
import { provinceNameOf } from './provinces';
import { renderTemplate } from './template';

/** The Content-Security-Policy of every page and asset. */
export const WEB_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Pages by URL path, and the template each one renders. */
export const WEB_PAGES: Readonly<Record<string, string>> = {
  '/': 'index',
  '/issuer': 'issuer',
  '/wallet': 'wallet',
  '/verify': 'verify',
};

/** Cache policy of pages: always revalidate (they name the current asset version). */
export const PAGE_CACHE_CONTROL = 'no-cache';
/** Cache policy of versioned assets: their URL changes whenever their bytes do. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** Which province the pages are for. */
export interface WebOptions {
  readonly mspId: string;
  /** GB/T 2260 code of the province, e.g. 440000. */
  readonly provinceCode: string;
  /** Chinese display name; looked up from the code when omitted. */
  readonly provinceName?: string;
  /** English display name; looked up from the code when omitted. */
  readonly provinceNameEn?: string;
  /** Folder holding pages/ and assets/ (default: this package's web folder). */
  readonly webDir?: string;
}

/** A rendered page. */
interface Page {
  readonly html: Buffer;
  readonly etag: string;
}

/** True when the request's If-None-Match names `etag`. */
function notModified(req: Request, etag: string): boolean {
  const header = req.get('if-none-match');
  if (header === undefined) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}

function send(req: Request, res: Response, type: string, etag: string, body: Buffer, cache: string): void {
  res.setHeader('Content-Security-Policy', WEB_CSP);
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  res.setHeader('Cache-Control', cache);
  res.setHeader('ETag', etag);
  if (notModified(req, etag)) {
    res.status(304).end();
    return;
  }
  res.type(type).send(body);
}

/** Whose token each console's shared token panel asks for. */
const PAGE_ROLES: Readonly<Record<string, { zh: string; en: string }>> = {
  issuer: { zh: '颁证单位', en: 'Issuer' },
  wallet: { zh: '持证人', en: 'Holder' },
  verify: { zh: '核验方', en: 'Verifier' },
};

/** Renders every page template for the province. */
function renderPages(files: WebFiles, opts: WebOptions): Map<string, Page> {
  const known = provinceNameOf(opts.provinceCode);
  const values = {
    provinceName: opts.provinceName ?? known?.zh ?? opts.mspId,
    provinceNameEn: opts.provinceNameEn ?? known?.en ?? opts.mspId,
    provinceCode: opts.provinceCode,
    mspId: opts.mspId,
    assets: `/assets/${files.version}`,
  };
  const pages = new Map<string, Page>();
  for (const [path, name] of Object.entries(WEB_PAGES)) {
    const template = files.templates.get(name);
    if (template === undefined) throw new Error(`web page template ${name}.html is missing`);
    // The shared header marks the current console's link for assistive technology.
    const nav = (page: string): string => (page === name ? 'page' : 'false');
    const pageValues = {
      ...values,
      navIssuer: nav('issuer'),
      navWallet: nav('wallet'),
      navVerify: nav('verify'),
      // The shared token panel names the role whose token the console needs.
      roleZh: PAGE_ROLES[name]?.zh ?? '',
      roleEn: PAGE_ROLES[name]?.en ?? '',
    };
    const html = Buffer.from(renderTemplate(template, pageValues), 'utf8');
    pages.set(path, { html, etag: etagOf(html) });
  }
  return pages;
}

/**
 * The web router, mounted at `/` without authentication (the pages hold no data; their scripts
 * send the user's token to the API). Reads the web folder once, when called.
 */
export function createWebRouter(opts: WebOptions): MountedRouter {
  const files = loadWebFiles(opts.webDir);
  const pages = renderPages(files, opts);
  const router = Router({ strict: false });

  for (const [path, page] of pages) {
    router.get(path, (req, res) => {
      send(req, res, 'text/html; charset=utf-8', page.etag, page.html, PAGE_CACHE_CONTROL);
    });
  }

  router.get('/assets/:version/:name', (req, res, next) => {
    const asset = req.params.version === files.version ? files.assets.get(req.params.name) : undefined;
    // Unknown names and stale versions fall through to the API's 404 problem.
    if (asset === undefined) {
      next();
      return;
    }
    send(req, res, asset.type, asset.etag, asset.body, ASSET_CACHE_CONTROL);
  });

  // Browsers ask for /favicon.ico on their own; answer with the icon rather than a 404 in the console.
  const icon = files.assets.get('favicon.svg');
  if (icon !== undefined) {
    router.get('/favicon.ico', (req, res) => {
      send(req, res, icon.type, icon.etag, icon.body, 'public, max-age=86400');
    });
  }

  return { path: '/', router, authenticated: false };
}

/** The versioned URL prefix of the assets a router built from `webDir` serves (for tests). */
export function assetPrefix(webDir?: string): string {
  return `/assets/${loadWebFiles(webDir).version}`;
}
