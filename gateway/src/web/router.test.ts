/**
 * The web router over HTTP: pages and assets with their content types, CSP and cache headers,
 * conditional requests, versioned asset URLs, and what it does not serve.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import express from 'express';
import request from 'supertest';
import { createAuthKit } from '../auth/test-kit';
import { bodyOf, testApp } from '../http/test-app';
import { ASSET_CACHE_CONTROL, PAGE_CACHE_CONTROL, WEB_CSP, WEB_PAGES, assetPrefix, createWebRouter } from '.';
import { escapeHtml, renderTemplate } from './template';
import { includePartials } from './assets';
import { provinceNameOf } from './provinces';

const kit = createAuthKit();
const app = testApp({
  verifier: kit.verifier,
  routers: [createWebRouter({ mspId: 'GuangdongMSP', provinceCode: '440000' })],
});
const assets = assetPrefix();

describe('pages', () => {
  it.each(Object.keys(WEB_PAGES))(
    'serves %s as HTML with the CSP and a revalidating cache policy',
    async (path) => {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe(WEB_CSP);
      expect(res.headers['cache-control']).toBe(PAGE_CACHE_CONTROL);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(res.text).toContain('广东省');
      expect(res.text).toContain('data-msp="GuangdongMSP"');
      expect(res.text).not.toMatch(/\{\{|\}\}/);
    },
  );

  it('has no inline script or style and loads scripts from the versioned asset path only', async () => {
    for (const path of Object.keys(WEB_PAGES)) {
      const html = (await request(app).get(path)).text;
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html).not.toMatch(/\sstyle=/i);
      expect(html).not.toMatch(/<style/i);
      for (const [, src] of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) {
        expect(src?.startsWith(`${assets}/`)).toBe(true);
      }
    }
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const first = await request(app).get('/wallet');
    const etag = first.headers.etag as string;
    const again = await request(app).get('/wallet').set('if-none-match', etag);
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    const other = await request(app).get('/wallet').set('if-none-match', '"something-else"');
    expect(other.status).toBe(200);
  });

  it('escapes the configured province name', async () => {
    const evil = testApp({
      verifier: kit.verifier,
      routers: [
        createWebRouter({
          mspId: 'X1MSP',
          provinceCode: '999999',
          provinceName: '<img src=x onerror=alert(1)>',
        }),
      ],
    });
    const html = (await request(evil).get('/')).text;
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img src=x');
  });
});

describe('assets', () => {
  it.each([
    ['common.js', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['favicon.svg', 'image/svg+xml'],
  ])('serves %s as %s, cacheable for good', async (name, type) => {
    const res = await request(app).get(`${assets}/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe(ASSET_CACHE_CONTROL);
    expect(res.headers['content-security-policy']).toBe(WEB_CSP);
  });

  it('does not serve a stale version, unknown names or paths outside the folder', async () => {
    for (const path of [
      '/assets/000000000000/common.js',
      `${assets}/nope.js`,
      `${assets}/..%2Fpages%2Findex.html`,
      `${assets}/tsconfig.json`,
      '/assets/common.js',
    ]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(404);
      expect(bodyOf(res).code).toBe('NOT_FOUND');
    }
  });

  it('answers HEAD like GET without a body', async () => {
    const res = await request(app).head(`${assets}/common.js`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('derives the version from the bytes: changing one asset changes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-web-'));
    mkdirSync(join(dir, 'assets'));
    mkdirSync(join(dir, 'pages'));
    for (const page of Object.values(WEB_PAGES))
      writeFileSync(join(dir, 'pages', `${page}.html`), '{{assets}}');
    writeFileSync(join(dir, 'assets', 'a.js'), 'one');
    const before = assetPrefix(dir);
    writeFileSync(join(dir, 'assets', 'a.js'), 'two');
    expect(assetPrefix(dir)).not.toBe(before);
  });

  it('refuses to start with a template placeholder it cannot fill', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-web-'));
    mkdirSync(join(dir, 'assets'));
    mkdirSync(join(dir, 'pages'));
    for (const page of Object.values(WEB_PAGES))
      writeFileSync(join(dir, 'pages', `${page}.html`), '{{typo}}');
    expect(() => createWebRouter({ mspId: 'GuangdongMSP', provinceCode: '440000', webDir: dir })).toThrow();
  });
});

describe('templates and names', () => {
  it('never lets a value produce markup', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const out = renderTemplate('<p title="{{v}}">{{v}}</p>', { v: value });
        expect(out).toBe(`<p title="${escapeHtml(value)}">${escapeHtml(value)}</p>`);
        expect(escapeHtml(value)).not.toMatch(/[<>"']/);
      }),
    );
  });

  it('knows the demo provinces and not arbitrary codes', () => {
    expect(provinceNameOf('440000')?.zh).toBe('广东省');
    expect(provinceNameOf('330000')?.en).toBe('Zhejiang');
    expect(provinceNameOf('440100')).toBeUndefined();
    expect(provinceNameOf('toString')).toBeUndefined();
  });
});

describe('shared page header', () => {
  it('includes the header and token panel partials in every console and marks only the current one', async () => {
    const app = express();
    const web = createWebRouter({ mspId: 'GuangdongMSP', provinceCode: '440000' });
    app.use(web.path, web.router);
    for (const page of ['issuer', 'wallet', 'verify'] as const) {
      const res = await request(app).get(`/${page}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain('<header class="site-header">');
      expect(res.text.match(/aria-current="page"/g)).toHaveLength(1);
      expect(res.text).toContain(`href="/${page}" aria-current="page"`);
      expect(res.text).not.toContain('{{');
      expect(res.text.match(/id="token-form"/g)).toHaveLength(1);
    }
  });

  it('refuses a page that includes a partial that does not exist', () => {
    expect(() => includePartials('  {{> missing}}\n', new Map())).toThrow(/missing/);
    expect(includePartials('  {{> a}}\n', new Map([['a', '<p>x</p>\n<p>y</p>\n']]))).toBe(
      '  <p>x</p>\n  <p>y</p>\n',
    );
  });
});
