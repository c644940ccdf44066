import express from 'express';
import request from 'supertest';
import { createAuthKit, PRINCIPALS } from '../auth/test-kit';
import { createRateLimiter, rateLimit } from './rate-limit';
import { bodyOf, testApp } from './test-app';

describe('token bucket', () => {
  it('allows a burst, then refills continuously', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 3, clock: () => new Date(t) });
    expect([1, 2, 3].map(() => limiter.take('k').ok)).toEqual([true, true, true]);
    const denied = limiter.take('k');
    expect(denied).toEqual({ ok: false, retryAfterSeconds: 1 });
    t += 1000;
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.take('k').ok).toBe(false);
    expect(limiter.take('other').ok).toBe(true);
  });

  it('bounds the number of tracked keys', () => {
    const limiter = createRateLimiter({ perMinute: 10, maxKeys: 5, clock: () => new Date(0) });
    for (let i = 0; i < 20; i++) limiter.take(`k${i}`);
    expect(limiter.size()).toBe(5);
  });
});

describe('rate limiting over HTTP', () => {
  const kit = createAuthKit();
  // The limiter's own clock, moved by the test: no token comes back while requests are slow.
  let t = Date.parse('2026-06-01T08:00:00Z');
  const limiter = createRateLimiter({ perMinute: 2, burst: 2, clock: () => new Date(t) });
  const router = express.Router();
  router.post('/verify', rateLimit(limiter), (_req, res) => {
    res.json({ result: 'VALID' });
  });
  const app = testApp({ verifier: kit.verifier, routers: [{ path: '/api/v1', router }] });

  it('answers 429 RATE_LIMITED with Retry-After per (province, subject)', async () => {
    const a = await kit.bearer(PRINCIPALS.zjVerifier);
    const b = await kit.bearer({ ...PRINCIPALS.zjVerifier, sub: 'zj-verifier-2' });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await request(app).post('/api/v1/verify').set('Authorization', a).send({})).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await request(app).post('/api/v1/verify').set('Authorization', a).send({});
    expect(bodyOf(limited).code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await request(app).post('/api/v1/verify').set('Authorization', b).send({})).status).toBe(200);
    // Two a minute: one token back 30 s later, not 1 ms sooner.
    t += 29_999;
    expect((await request(app).post('/api/v1/verify').set('Authorization', a).send({})).status).toBe(429);
    t += 1;
    expect((await request(app).post('/api/v1/verify').set('Authorization', a).send({})).status).toBe(200);
  });
});
