import express from 'express';
import request from 'supertest';
import { createAuthKit, PRINCIPALS } from '../auth/test-kit';
import { createRateLimiter, rateLimit } from './rate-limit';
import { bodyOf, testApp } from './test-app';

describe('token bucket', () => {
  it('allows a burst, then refills continuously', () => {
    let t = 0;
    const limiter = createRateLimiter({ perMinute: 60, burst: 3, now: () => t });
    expect([1, 2, 3].map(() => limiter.take('k').ok)).toEqual([true, true, true]);
    const denied = limiter.take('k');
    expect(denied).toEqual({ ok: false, retryAfterSeconds: 1 });
    t += 1000;
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.take('k').ok).toBe(false);
    expect(limiter.take('other').ok).toBe(true);
  });

  it('bounds the number of tracked keys', () => {
    const limiter = createRateLimiter({ perMinute: 10, maxKeys: 5, now: () => 0 });
    for (let i = 0; i < 20; i++) limiter.take(`k${i}`);
    expect(limiter.size()).toBe(5);
  });
});

describe('rate limiting over HTTP', () => {
  const kit = createAuthKit();
  const limiter = createRateLimiter({ perMinute: 2, burst: 2 });
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
  });
});
