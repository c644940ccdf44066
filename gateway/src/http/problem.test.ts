import express from 'express';
import request from 'supertest';
import { ERROR_CODES, LicenceError } from '@licence-ledger/domain';
import type { ErrorCode } from '@licence-ledger/domain';
import { createAuthKit } from '../auth/test-kit';
import { HTTP_STATUS, classify, problemType, statusFor } from './problem';
import { bodyOf, testApp } from './test-app';
import { TITLES_ZH } from './problem-titles';

const kit = createAuthKit();

function throwingRouter(): express.Router {
  const router = express.Router();
  router.get('/code/:code', (req) => {
    throw new LicenceError(req.params.code as ErrorCode, `failure ${req.params.code}`, {
      retryAfterSeconds: 7,
    });
  });
  router.get('/plain/:code', (req) => {
    throw new LicenceError(req.params.code as ErrorCode, `failure ${req.params.code}`);
  });
  router.get('/boom', () => {
    throw new Error('secret database password is hunter2');
  });
  router.get('/async-boom', async () => {
    await Promise.resolve();
    throw new TypeError('cannot read properties of undefined (internal detail)');
  });
  router.get('/string-throw', () => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw 'a bare string';
  });
  router.post('/echo', (req, res) => {
    res.json({ got: req.body as unknown });
  });
  return router;
}

const app = testApp({
  verifier: kit.verifier,
  routers: [{ path: '/t', router: throwingRouter(), authenticated: false }],
  bodyLimitBytes: 1024,
});

describe('problem+json error mapping', () => {
  it('gives every error code an HTTP error status', () => {
    for (const code of ERROR_CODES) {
      expect(statusFor(code)).toBeGreaterThanOrEqual(400);
      expect(statusFor(code)).toBeLessThan(600);
    }
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ERROR_CODES.map((c) => [c]))('maps %s through the handler with its table status', async (code) => {
    const res = await request(app).get(`/t/code/${code}`);
    expect(res.status).toBe(HTTP_STATUS[code]);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code, status: HTTP_STATUS[code], type: problemType(code) });
    expect(typeof bodyOf(res).title).toBe('string');
    // Chinese pages show the title in Chinese (regression: English only), one per code.
    expect(bodyOf(res).titleZh).toBe(TITLES_ZH[code]);
    expect(bodyOf(res).titleZh).toMatch(/\p{Script=Han}/u);
    expect(bodyOf(res).instance).toMatch(/^urn:licence-ledger:request:/);
  });

  it('hides the message of internal and ledger-unavailable errors', async () => {
    for (const code of ['INTERNAL', 'LEDGER_UNAVAILABLE'] as const) {
      const res = await request(app).get(`/t/code/${code}`);
      expect(bodyOf(res).detail).not.toContain(`failure ${code}`);
    }
  });

  it('adds Retry-After to a problem that says when to retry, and to no other', async () => {
    expect((await request(app).get('/t/code/RATE_LIMITED')).headers['retry-after']).toBe('7');
    expect((await request(app).get('/t/code/LEDGER_UNAVAILABLE')).headers['retry-after']).toBe('7');
    // A repeat of a request that is still running (Idempotency-Key) says when to retry too.
    expect((await request(app).get('/t/code/CONFLICT')).headers['retry-after']).toBe('7');
    expect((await request(app).get('/t/plain/CONFLICT')).headers['retry-after']).toBeUndefined();
    expect((await request(app).get('/t/plain/LEDGER_UNAVAILABLE')).headers['retry-after']).toBeUndefined();
  });

  it('adds WWW-Authenticate to 401s', async () => {
    const res = await request(app).get('/t/code/UNAUTHENTICATED');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer realm=/);
  });

  it.each([['/t/boom'], ['/t/async-boom'], ['/t/string-throw']])(
    'turns an unknown error at %s into 500 INTERNAL without leaking it',
    async (path) => {
      const res = await request(app).get(path);
      expect(res.status).toBe(500);
      expect(bodyOf(res).code).toBe('INTERNAL');
      expect(JSON.stringify(res.body)).not.toMatch(/hunter2|internal detail|bare string/);
    },
  );

  it('answers unknown routes with a 404 problem', async () => {
    const res = await request(app).get('/no/such/route');
    expect(res.status).toBe(404);
    expect(bodyOf(res).code).toBe('NOT_FOUND');
  });

  it('answers a malformed path escape with a 4xx problem', async () => {
    const res = await request(app).get('/t/code/%E0%A4%A');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(bodyOf(res).code).toBeDefined();
  });
});

/** Sends bytes exactly as given (superagent would otherwise JSON-encode a Buffer). */
function sendRaw(req: request.Test, type: string, bytes: Buffer): request.Test {
  return req
    .set('Content-Type', type)
    .serialize((b: unknown) => b as string)
    .send(bytes as unknown as string);
}

describe('request bodies', () => {
  const post = () => request(app).post('/t/echo');

  it('parses a JSON object', async () => {
    const res = await post().send({ a: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ got: { a: 1 } });
  });

  it('rejects malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await post().set('Content-Type', 'application/json').send('{"a":');
    expect(res.status).toBe(400);
    expect(bodyOf(res).code).toBe('MALFORMED_JSON');
  });

  it('rejects a top-level JSON scalar with 400 MALFORMED_JSON', async () => {
    const res = await post().set('Content-Type', 'application/json').send('"just a string"');
    expect(res.status).toBe(400);
    expect(bodyOf(res).code).toBe('MALFORMED_JSON');
  });

  it('rejects an oversized body with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post().send({ a: 'x'.repeat(2000) });
    expect(res.status).toBe(413);
    expect(bodyOf(res).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('rejects invalid UTF-8 with 400 MALFORMED_JSON instead of replacing bytes', async () => {
    const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const res = await sendRaw(post(), 'application/json', bytes);
    expect(res.status).toBe(400);
    expect(bodyOf(res).code).toBe('MALFORMED_JSON');
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/xml']])(
    'rejects a %s body with 415',
    async (type) => {
      const res = await post().set('Content-Type', type).send('a=1');
      expect(res.status).toBe(415);
      expect(bodyOf(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it('rejects a body without a content type with 415', async () => {
    const res = await post().send(Buffer.from('{"a":1}'));
    expect(res.status).toBe(415);
    expect(bodyOf(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a non-UTF-8 charset with 415', async () => {
    const res = await post().set('Content-Type', 'application/json; charset=latin1').send('{"a":1}');
    expect(res.status).toBe(415);
    expect(bodyOf(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('rejects a compressed body with 415', async () => {
    const res = await post()
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('{}');
    expect(res.status).toBe(415);
    expect(bodyOf(res).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts application/*+json and an explicit utf-8 charset', async () => {
    const a = await post().set('Content-Type', 'application/merge-patch+json').send('{"a":2}');
    const b = await post().set('Content-Type', 'application/json; charset=UTF-8').send('{"a":3}');
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body).toEqual({ got: { a: 3 } });
  });
});

describe('database outages', () => {
  it.each([['ECONNREFUSED'], ['ECONNRESET'], ['08006'], ['57P01'], ['57P03']])(
    'answers %s with 503 STORAGE_UNAVAILABLE, not 500',
    (code) => {
      const c = classify(Object.assign(new Error('connection lost'), { code }));
      expect(c.status).toBe(503);
      expect(c.error.code).toBe('STORAGE_UNAVAILABLE');
    },
  );

  it('keeps other database errors (a constraint violation) as 500 INTERNAL', () => {
    const c = classify(Object.assign(new Error('duplicate key'), { code: '23505' }));
    expect(c.status).toBe(500);
    expect(c.error.code).toBe('INTERNAL');
  });
});
