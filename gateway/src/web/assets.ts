/**
 * The web pages' static files, read once into memory: page templates from `<web>/pages` and assets
 * (scripts, styles, icons) from `<web>/assets`. Assets are addressed under a version derived from
 * their bytes, so browsers may cache them for good and a new release is fetched at once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/** Media types of the asset kinds served; any other file in the folder is ignored. */
export const ASSET_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Asset file names: plain, lower-case, one dot; nothing that could walk out of the folder. */
export const ASSET_NAME = /^[a-z0-9][a-z0-9-]{0,63}\.[a-z]{2,4}$/;

/** One asset held in memory. */
export interface Asset {
  readonly name: string;
  readonly body: Buffer;
  readonly type: string;
  /** Strong entity tag (quoted). */
  readonly etag: string;
}

/** Everything the web router serves, loaded from one folder. */
export interface WebFiles {
  /** Hash of every asset, used as the path segment /assets/<version>/. */
  readonly version: string;
  readonly assets: ReadonlyMap<string, Asset>;
  /** Page templates by file name without `.html`. */
  readonly templates: ReadonlyMap<string, string>;
}

/** The web folder of this package (gateway/web), from src/web or dist/web alike. */
export function defaultWebDir(): string {
  return resolve(__dirname, '..', '..', 'web');
}

/** Strong ETag of a body. */
export function etagOf(body: Buffer | string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** Reads the page templates and assets under `dir`. */
export function loadWebFiles(dir: string = defaultWebDir()): WebFiles {
  const assets = new Map<string, Asset>();
  const version = createHash('sha256');
  for (const name of readdirSync(join(dir, 'assets')).sort()) {
    const type = ASSET_TYPES[extname(name)];
    if (type === undefined || !ASSET_NAME.test(name)) continue;
    const body = readFileSync(join(dir, 'assets', name));
    assets.set(name, { name, body, type, etag: etagOf(body) });
    version.update(name).update('\0').update(body).update('\0');
  }
  const partials = new Map<string, string>();
  const partialsDir = join(dir, 'pages', 'partials');
  for (const name of existsSync(partialsDir) ? readdirSync(partialsDir).sort() : []) {
    if (extname(name) !== '.html') continue;
    partials.set(name.slice(0, -'.html'.length), readFileSync(join(dir, 'pages', 'partials', name), 'utf8'));
  }
  const templates = new Map<string, string>();
  for (const name of readdirSync(join(dir, 'pages')).sort()) {
    if (extname(name) !== '.html') continue;
    const page = readFileSync(join(dir, 'pages', name), 'utf8');
    templates.set(name.slice(0, -'.html'.length), includePartials(page, partials));
  }
  return { version: version.digest('hex').slice(0, 12), assets, templates };
}

/**
 * Replaces each `{{> name}}` line with `pages/partials/<name>.html`, indented like the placeholder, so
 * the pages share one header; an unknown partial fails at start-up.
 */
export function includePartials(page: string, partials: ReadonlyMap<string, string>): string {
  return page.replace(
    /^([ \t]*)\{\{> ([a-z][a-z0-9-]*)\}\}[ \t]*$/gm,
    (_line, indent: string, name: string) => {
      const partial = partials.get(name);
      if (partial === undefined)
        throw new Error(`page template includes {{> ${name}}}, which does not exist`);
      return partial
        .trimEnd()
        .split('\n')
        .map((line) => (line === '' ? line : indent + line))
        .join('\n');
    },
  );
}
