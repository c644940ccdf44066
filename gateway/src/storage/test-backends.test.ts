import { postgresServerMissing } from './test-backends';

describe('postgresServerMissing', () => {
  it('is undefined when TEST_DATABASE_URL names a server', () => {
    expect(
      postgresServerMissing({ TEST_DATABASE_URL: 'postgres://x@127.0.0.1/db', CI: 'true' }),
    ).toBeUndefined();
  });

  it('gives the reason outside CI', () => {
    expect(postgresServerMissing({})).toMatch(/TEST_DATABASE_URL/);
  });

  it('refuses to let CI run without the server', () => {
    expect(() => postgresServerMissing({ CI: 'true' })).toThrow(/must run in CI/);
  });
});
