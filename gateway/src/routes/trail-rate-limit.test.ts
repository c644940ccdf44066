/** The public trail intake is rate limited per sending address, before any signature is checked. */
import request from 'supertest';
import { LicenceError } from '@licence-ledger/domain';
import { testApp } from '../http/test-app';
import type { ProvinceServices } from '../services';
import { createAuthKit } from '../auth/test-kit';
import { trailRouter } from './trail';

describe('trail intake rate limit', () => {
  it('answers 429 with Retry-After beyond the limit, without looking at the notification', async () => {
    const receive = jest.fn(() => Promise.reject(new LicenceError('UNAUTHENTICATED', 'bad signature')));
    // The province's clock, moved by the test: no token comes back while requests are slow.
    let t = Date.parse('2026-06-01T08:00:00Z');
    const services = {
      ctx: { config: { trailRateLimitPerMinute: 3 }, clock: () => new Date(t) },
      trailIntake: { receive },
    } as unknown as ProvinceServices;
    const kit = createAuthKit();
    const app = testApp({ verifier: kit.verifier, routers: [trailRouter(services)] });
    const send = () => request(app).post('/api/v1/trail').send({ notification: 'a.b.c' });
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(401);
    const limited = await send();
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toContain('application/problem+json');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(receive).toHaveBeenCalledTimes(3);
    // Three a minute: the next token is back 20 s later on the province's clock, not before.
    t += 19_000;
    expect((await send()).status).toBe(429);
    t += 1_000;
    expect((await send()).status).toBe(401);
    expect(receive).toHaveBeenCalledTimes(4);
  });
});
