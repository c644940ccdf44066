import express from 'express';
import request from 'supertest';
import fc from 'fast-check';
import { createAuthKit, PRINCIPALS } from './auth/test-kit';
import { requireRole } from './auth/middleware';
import { principalOf } from './http/context';
import { compileValidator } from './http/validate';
import { bodyOf, testApp } from './http/test-app';
import type { MountedRouter } from './app';

// The 'no client input produces a 5xx' properties send 150 requests each through the whole app: under
// 1 s on an idle machine, more than jest's default 5 s on a third of one core (`npm run test:slow`).
jest.setTimeout(60_000);

const kit = createAuthKit();

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, unknown>;
  components: {
    schemas: { Problem: { properties: { code: { enum: string[] } } } };
    securitySchemes: { bearerAuth: { scheme: string } };
  };
}

interface Note {
  title: string;
  tags?: string[];
}
const validateNote = compileValidator<Note>({
  type: 'object',
  additionalProperties: false,
  required: ['title'],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 40, pattern: '^[^\\u0000-\\u001f]*$' },
    tags: { type: 'array', maxItems: 5, items: { type: 'string', maxLength: 10 } },
  },
});

function notesRouter(): express.Router {
  const r = express.Router();
  r.get('/me', (req, res) => {
    res.json(principalOf(req));
  });
  r.post('/', requireRole('issuer', 'admin'), (req, res) => {
    const note = validateNote(req.body);
    res.status(201).json({ title: note.title, by: principalOf(req).sub });
  });
  r.get('/admin-only', requireRole('admin'), (_req, res) => {
    res.json({ ok: true });
  });
  return r;
}

const routers: MountedRouter[] = [
  {
    path: '/api/v1/notes',
    router: notesRouter(),
    openapi: {
      paths: {
        '/': { post: { summary: 'Create a note', responses: { '201': { description: 'Created' } } } },
        '/me': { get: { summary: 'Who am I', responses: { '200': { description: 'The caller' } } } },
      },
      tags: [{ name: 'notes' }],
    },
  },
  {
    path: '/api/v1/public',
    authenticated: false,
    router: express.Router().get('/jwks.json', (_req, res) => {
      res.json(kit.issuer.jwks());
    }),
    openapi: { paths: { '/jwks.json': { get: { summary: 'Keys', security: [], responses: {} } } } },
  },
];

let ready = true;
const app = testApp({
  verifier: kit.verifier,
  routers,
  readiness: () =>
    ready
      ? Promise.resolve({ ok: true, checks: { database: true, ledger: true } })
      : Promise.reject(new Error('database down')),
});

describe('authentication and roles over HTTP', () => {
  it('lets a valid token through and exposes the principal', async () => {
    const res = await request(app)
      .get('/api/v1/notes/me')
      .set('Authorization', await kit.bearer(PRINCIPALS.gdIssuer));
    expect(res.status).toBe(200);
    expect(res.body).toEqual(PRINCIPALS.gdIssuer);
  });

  it('answers a missing token with 401 and a bare Bearer challenge', async () => {
    const res = await request(app).get('/api/v1/notes/me');
    expect(res.status).toBe(401);
    expect(bodyOf(res).code).toBe('UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="licence-ledger"');
  });

  it.each([['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer a.b.c'], ['Bearer x y']])(
    'answers Authorization %j with 401 invalid_token',
    async (header) => {
      const res = await request(app).get('/api/v1/notes/me').set('Authorization', header);
      expect(res.status).toBe(401);
      expect(bodyOf(res).code).toBe('UNAUTHENTICATED');
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    },
  );

  it('answers a token from an untrusted issuer with 401', async () => {
    const other = createAuthKit();
    const res = await request(app)
      .get('/api/v1/notes/me')
      .set('Authorization', await other.bearer(PRINCIPALS.gdAdmin));
    expect(res.status).toBe(401);
  });

  it('checks roles: 403 ACCESS_DENIED for a role not allowed', async () => {
    const verifier = await kit.bearer(PRINCIPALS.zjVerifier);
    const issuer = await kit.bearer(PRINCIPALS.gdIssuer);
    const denied = await request(app)
      .post('/api/v1/notes')
      .set('Authorization', verifier)
      .send({ title: 'x' });
    expect(denied.status).toBe(403);
    expect(bodyOf(denied).code).toBe('ACCESS_DENIED');
    expect((await request(app).get('/api/v1/notes/admin-only').set('Authorization', issuer)).status).toBe(
      403,
    );
    const admin = await kit.bearer(PRINCIPALS.gdAdmin);
    expect((await request(app).get('/api/v1/notes/admin-only').set('Authorization', admin)).status).toBe(200);
  });

  it('does not authenticate public routers', async () => {
    const res = await request(app).get('/api/v1/public/jwks.json');
    expect(res.status).toBe(200);
    expect(bodyOf<{ keys: Array<{ kid: string }> }>(res).keys[0]?.kid).toBe(kit.issuer.kid);
  });
});

describe('validation through the app', () => {
  it('accepts a valid body', async () => {
    const res = await request(app)
      .post('/api/v1/notes')
      .set('Authorization', await kit.bearer(PRINCIPALS.gdIssuer))
      .send({ title: 'hello', tags: ['a'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ title: 'hello', by: PRINCIPALS.gdIssuer.sub });
  });

  it('rejects unknown properties with SCHEMA_VIOLATION listing each path', async () => {
    const res = await request(app)
      .post('/api/v1/notes')
      .set('Authorization', await kit.bearer(PRINCIPALS.gdIssuer))
      .send({ title: 'x', isAdmin: true, __proto__x: 1, tags: ['way-too-long-tag'] });
    expect(res.status).toBe(400);
    expect(bodyOf(res).code).toBe('SCHEMA_VIOLATION');
    const paths = (bodyOf(res).errors ?? []).map((e) => e.path).sort();
    expect(paths).toEqual(['/__proto__x', '/isAdmin', '/tags/0']);
  });
});

describe('infrastructure endpoints', () => {
  it('serves liveness without authentication', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('reports readiness 200 when ready and 503 when the probe fails', async () => {
    const ok = await request(app).get('/readyz');
    expect(ok.status).toBe(200);
    expect(bodyOf<{ checks: unknown }>(ok).checks).toEqual({ database: true, ledger: true });
    ready = false;
    try {
      const down = await request(app).get('/readyz');
      expect(down.status).toBe(503);
      expect(bodyOf<{ status: string }>(down).status).toBe('unavailable');
    } finally {
      ready = true;
    }
  });

  it('reports 503 when a readiness check is false', async () => {
    const a = testApp({
      verifier: kit.verifier,
      routers: [],
      readiness: () => Promise.resolve({ ok: false, checks: { ledger: false } }),
    });
    const res = await request(a).get('/readyz');
    expect(res.status).toBe(503);
    expect(bodyOf<{ checks: unknown }>(res).checks).toEqual({ ledger: false });
  });

  it('serves an OpenAPI 3.1 document merging every router’s paths under its mount path', async () => {
    const res = await request(app).get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = bodyOf<OpenApiDoc>(res);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/notes',
        '/api/v1/notes/me',
        '/api/v1/public/jwks.json',
        '/healthz',
        '/readyz',
      ]),
    );
    expect(doc.components.schemas.Problem.properties.code.enum).toContain('SCHEMA_VIOLATION');
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
  });

  it('sets security headers and no x-powered-by; no-store on the API', async () => {
    const res = await request(app).get('/api/v1/openapi.json');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    const missing = await request(app).get('/api/v1/nothing-here');
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('echoes a sane X-Request-Id and replaces an unsafe one', async () => {
    const sane = await request(app).get('/healthz').set('X-Request-Id', 'abc-123');
    expect(sane.headers['x-request-id']).toBe('abc-123');
    const unsafe = await request(app).get('/healthz').set('X-Request-Id', 'a b\tc'.repeat(20));
    expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('no client input produces a 5xx', () => {
  const paths = ['/api/v1/notes', '/api/v1/notes/me', '/api/v1/nowhere', '/healthz'];

  it('random JSON bodies, with and without a valid token', async () => {
    const token = await kit.bearer(PRINCIPALS.gdIssuer);
    await fc.assert(
      fc.asyncProperty(
        fc.json({ maxDepth: 4 }),
        fc.constantFrom(...paths),
        fc.boolean(),
        async (body, path, auth) => {
          let req = request(app).post(path).set('Content-Type', 'application/json');
          if (auth) req = req.set('Authorization', token);
          const res = await req.send(body);
          expect(res.status).toBeLessThan(500);
          expect(
            res.status === 201 || res.headers['content-type']?.startsWith('application/problem+json'),
          ).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random byte strings under random content types', async () => {
    const token = await kit.bearer(PRINCIPALS.gdIssuer);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-16',
          'text/plain',
          'application/x+json',
          '',
        ),
        fc.constantFrom(...paths),
        async (bytes, type, path) => {
          let req = request(app).post(path).set('Authorization', token);
          if (type !== '') req = req.set('Content-Type', type);
          const res = await req
            .serialize((b: unknown) => b as string)
            .send(Buffer.from(bytes) as unknown as string);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('random Authorization headers and request ids', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200, unit: 'binary-ascii' }).filter((s) => !/[\r\n\0]/.test(s)),
        fc.string({ maxLength: 80 }),
        async (authz, rid) => {
          const safe = (s: string) => s.replace(/[^\x20-\x7e]/g, '');
          const res = await request(app)
            .get('/api/v1/notes/me')
            .set('Authorization', safe(authz))
            .set('X-Request-Id', safe(rid));
          expect(res.status).toBe(401);
        },
      ),
      { numRuns: 150 },
    );
  });
});
