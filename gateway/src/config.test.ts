import path from 'node:path';
import { LicenceError } from '@licence-ledger/domain';
import { DEFAULTS, defaultAudience, defaultSecretPaths, loadConfig } from './config';

function failure(env: NodeJS.ProcessEnv, overrides = {}): LicenceError {
  try {
    loadConfig(env, overrides);
  } catch (err) {
    if (err instanceof LicenceError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to fail');
}

const JWKS_ISSUER = JSON.stringify([
  { iss: 'https://idp.example/gd', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] } },
]);

describe('loadConfig', () => {
  it('has working defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: DEFAULTS.port,
      host: '127.0.0.1',
      provinceMsp: 'GuangdongMSP',
      databaseUrl: undefined,
      ledger: 'embedded',
      presentationTtlSeconds: 300,
      clockToleranceSeconds: 30,
      bodyLimitBytes: 64 * 1024,
      logLevel: 'info',
      tokenIssuers: [],
      tokenAudience: defaultAudience('GuangdongMSP'),
    });
    expect(path.isAbsolute(c.dataDir)).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads every setting from the environment', () => {
    const c = loadConfig({
      PORT: '9090',
      HOST: '0.0.0.0',
      PROVINCE_MSP: 'ZhejiangMSP',
      DATA_DIR: 'some/dir',
      DATABASE_URL: 'postgresql://u:p@127.0.0.1:5432/db',
      LEDGER: 'fabric',
      FABRIC_PEER_ENDPOINT: 'peer0.zj.example:7051',
      FABRIC_TLS_CA_PATH: 'ca.pem',
      FABRIC_CERT_PATH: 'cert.pem',
      FABRIC_KEY_PATH: 'key.pem',
      DEADLINE_ENDORSE_MS: '20000',
      TOKEN_ISSUERS: JWKS_ISSUER,
      PRESENTATION_TTL_SECONDS: '900',
      CLOCK_TOLERANCE_SECONDS: '5',
      BODY_LIMIT: '1mb',
      VERIFY_RATE_LIMIT: '60',
      LOG_LEVEL: 'debug',
    });
    expect(c).toMatchObject({
      port: 9090,
      host: '0.0.0.0',
      provinceMsp: 'ZhejiangMSP',
      databaseUrl: 'postgresql://u:p@127.0.0.1:5432/db',
      ledger: 'fabric',
      presentationTtlSeconds: 900,
      clockToleranceSeconds: 5,
      bodyLimitBytes: 1024 * 1024,
      verifyRateLimitPerMinute: 60,
      logLevel: 'debug',
      tokenAudience: defaultAudience('ZhejiangMSP'),
    });
    expect(c.deadlines.endorseMs).toBe(20000);
    expect(c.fabric.peerEndpoint).toBe('peer0.zj.example:7051');
    expect(c.tokenIssuers).toHaveLength(1);
    expect(c.dataDir).toBe(path.resolve('some/dir'));
  });

  it('reports every bad variable at once, with code INVALID_ARGUMENT', () => {
    const err = failure({
      PORT: 'eighty',
      PRESENTATION_TTL_SECONDS: '901',
      LEDGER: 'hyperledger',
      LOG_LEVEL: 'loud',
      BODY_LIMIT: 'big',
      TOKEN_ISSUERS: '{not json',
      PROVINCE_MSP: 'guangdong',
      DATABASE_URL: 'mysql://x',
    });
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect([...(err.details?.variables as string[])].sort()).toEqual(
      [
        'BODY_LIMIT',
        'DATABASE_URL',
        'LEDGER',
        'LOG_LEVEL',
        'PORT',
        'PRESENTATION_TTL_SECONDS',
        'PROVINCE_MSP',
        'TOKEN_ISSUERS',
      ].sort(),
    );
  });

  it('requires the Fabric connection settings in fabric mode', () => {
    const err = failure({ LEDGER: 'fabric' });
    expect(err.details?.variables).toEqual(
      expect.arrayContaining([
        'FABRIC_PEER_ENDPOINT',
        'FABRIC_TLS_CA_PATH',
        'FABRIC_CERT_PATH',
        'FABRIC_KEY_PATH',
      ]),
    );
  });

  it.each([
    ['[]x'],
    ['{}'],
    ['[{"iss":""}]'],
    ['[{"iss":"a"}]'],
    ['[{"iss":"a","jwks":{"keys":[]}}]'],
    ['[{"iss":"a","pem":"x","jwks":{"keys":[{"kty":"EC"}]}}]'],
    ['[{"iss":"a","pem":"x"},{"iss":"a","pem":"y"}]'],
  ])('rejects TOKEN_ISSUERS %s', (value) => {
    expect(failure({ TOKEN_ISSUERS: value }).details?.variables).toEqual(['TOKEN_ISSUERS']);
  });

  it('validates overrides like environment values', () => {
    expect(loadConfig({}, { port: 0, provinceMsp: 'BeijingMSP' })).toMatchObject({
      port: 0,
      tokenAudience: defaultAudience('BeijingMSP'),
    });
    expect(failure({}, { presentationTtlSeconds: 3600 }).details?.variables).toEqual([
      'PRESENTATION_TTL_SECONDS',
    ]);
    expect(failure({}, { bodyLimitBytes: 0 }).details?.variables).toEqual(['BODY_LIMIT']);
  });

  it.each([['-1'], ['65536'], ['1e3'], [' 80x']])('rejects PORT %j', (port) => {
    expect(failure({ PORT: port }).details?.variables).toEqual(['PORT']);
  });

  describe('files and ledger members', () => {
    it('defaults the crypto dir, the members and the secret files (under the data dir)', () => {
      const c = loadConfig({ DATA_DIR: 'gw-data' });
      expect(c.cryptoDir).toBe(path.resolve(DEFAULTS.cryptoDir));
      expect(c.ledgerMembers).toEqual(['GuangdongMSP', 'ZhejiangMSP', 'BeijingMSP']);
      expect(c.holderSecretPath).toBe(path.resolve('gw-data', 'holder-secret'));
      expect(c.receiptKeyPath).toBe(path.resolve('gw-data', 'receipt-key.pem'));
    });

    it('reads CRYPTO_DIR, LEDGER_MEMBERS, HOLDER_SECRET_FILE and RECEIPT_KEY_FILE', () => {
      const c = loadConfig({
        PROVINCE_MSP: 'ZhejiangMSP',
        CRYPTO_DIR: 'pki/out',
        LEDGER_MEMBERS: ' ZhejiangMSP , BeijingMSP ',
        HOLDER_SECRET_FILE: 'secrets/holder',
        RECEIPT_KEY_FILE: 'secrets/receipt.pem',
      });
      expect(c).toMatchObject({
        cryptoDir: path.resolve('pki/out'),
        ledgerMembers: ['ZhejiangMSP', 'BeijingMSP'],
        holderSecretPath: path.resolve('secrets/holder'),
        receiptKeyPath: path.resolve('secrets/receipt.pem'),
      });
    });

    it('moves the default secret files with a data dir override', () => {
      const dataDir = path.resolve('elsewhere');
      expect(loadConfig({ DATA_DIR: 'ignored' }, { dataDir })).toMatchObject(defaultSecretPaths(dataDir));
    });

    it.each([['guangdong'], [''.padEnd(3, ',')], ['GuangdongMSP,GuangdongMSP'], ['ZhejiangMSP,BeijingMSP']])(
      'rejects LEDGER_MEMBERS %j',
      (members) => {
        expect(failure({ LEDGER_MEMBERS: members }).details?.variables).toEqual(['LEDGER_MEMBERS']);
      },
    );

    it('refuses one file for both secrets, and relative paths given as overrides', () => {
      expect(failure({ HOLDER_SECRET_FILE: 'same', RECEIPT_KEY_FILE: 'same' }).details?.variables).toEqual([
        'RECEIPT_KEY_FILE',
      ]);
      expect(
        [...(failure({}, { cryptoDir: 'rel', holderSecretPath: 'x' }).details?.variables as string[])].sort(),
      ).toEqual(['CRYPTO_DIR', 'HOLDER_SECRET_FILE']);
    });
  });

  describe('outbox recovery', () => {
    it('passes every 30 s over writes that have not moved for 2 minutes, by default', () => {
      expect(loadConfig({}).outboxRecovery).toEqual({ intervalMs: 30_000, staleAfterMs: 120_000 });
    });

    it('reads OUTBOX_RECOVERY_INTERVAL_MS and OUTBOX_STALE_AFTER_MS', () => {
      expect(
        loadConfig({ OUTBOX_RECOVERY_INTERVAL_MS: '5000', OUTBOX_STALE_AFTER_MS: '90000' }).outboxRecovery,
      ).toEqual({ intervalMs: 5000, staleAfterMs: 90_000 });
    });

    it('refuses a stale limit that a request still within its deadlines could reach', () => {
      // Defaults: endorse 15 s + submit 5 s + commit status 60 s = 80 s.
      expect(failure({ OUTBOX_STALE_AFTER_MS: '80000' }).details?.variables).toEqual([
        'OUTBOX_STALE_AFTER_MS',
      ]);
      expect(
        failure({ OUTBOX_STALE_AFTER_MS: '100000', DEADLINE_COMMIT_STATUS_MS: '100000' }).details?.variables,
      ).toEqual(['OUTBOX_STALE_AFTER_MS']);
      expect(failure({ OUTBOX_RECOVERY_INTERVAL_MS: '10' }).details?.variables).toEqual([
        'OUTBOX_RECOVERY_INTERVAL_MS',
      ]);
      expect(loadConfig({ OUTBOX_STALE_AFTER_MS: '80001' }).outboxRecovery.staleAfterMs).toBe(80_001);
    });
  });

  describe('status cache', () => {
    it('reuses a licence record for 2 s by default, and reads STATUS_CACHE_TTL_MS from 0 to 5000', () => {
      expect(loadConfig({}).statusCacheTtlMs).toBe(2_000);
      expect(loadConfig({ STATUS_CACHE_TTL_MS: '0' }).statusCacheTtlMs).toBe(0);
      expect(loadConfig({ STATUS_CACHE_TTL_MS: '5000' }).statusCacheTtlMs).toBe(5_000);
    });

    it('refuses a TTL beyond the 5 s bound or below 0, also as an override', () => {
      for (const bad of ['5001', '-1', '1.5', 'soon']) {
        expect(failure({ STATUS_CACHE_TTL_MS: bad }).details?.variables).toEqual(['STATUS_CACHE_TTL_MS']);
      }
      expect(() => loadConfig({}, { statusCacheTtlMs: 60_000 })).toThrow(/STATUS_CACHE_TTL_MS/);
    });
  });

  describe('trail peers and retries', () => {
    const key = { kty: 'EC', crv: 'P-256', x: 'eA', y: 'eQ', kid: 'zj-receipt' };
    const zj = { msp: 'ZhejiangMSP', url: 'https://zj.example/', jwks: { keys: [key] } };

    it('has no peers and a day-long backoff by default', () => {
      const c = loadConfig({});
      expect(c.trailPeers).toEqual([]);
      expect(c.trailRetry).toEqual(DEFAULTS.trailRetry);
    });

    it('reads TRAIL_PEERS and the retry settings', () => {
      const c = loadConfig({
        TRAIL_PEERS: JSON.stringify([zj, { ...zj, msp: 'BeijingMSP', url: 'http://127.0.0.1:7103' }]),
        TRAIL_RETRY_BASE_MS: '100',
        TRAIL_RETRY_MAX_MS: '1000',
        TRAIL_RETRY_ATTEMPTS: '3',
      });
      expect(c.trailPeers.map((p) => [p.msp, p.url])).toEqual([
        ['ZhejiangMSP', 'https://zj.example'],
        ['BeijingMSP', 'http://127.0.0.1:7103'],
      ]);
      expect(c.trailPeers[0]?.jwks.keys).toEqual([key]);
      expect(c.trailRetry).toEqual({ baseMs: 100, maxMs: 1000, maxAttempts: 3 });
    });

    it.each([
      ['not json', '[{'],
      ['not a list', JSON.stringify(zj)],
      ['bad MSP', JSON.stringify([{ ...zj, msp: 'zhejiang' }])],
      ['plain http elsewhere', JSON.stringify([{ ...zj, url: 'http://zj.example' }])],
      ['credentials in the URL', JSON.stringify([{ ...zj, url: 'https://u:p@zj.example' }])],
      ['no keys', JSON.stringify([{ ...zj, jwks: { keys: [] } }])],
      ['a private key', JSON.stringify([{ ...zj, jwks: { keys: [{ ...key, d: 'secret' }] } }])],
      ['a key without kid', JSON.stringify([{ ...zj, jwks: { keys: [{ ...key, kid: undefined }] } }])],
      ['a province twice', JSON.stringify([zj, zj])],
      ['its own province', JSON.stringify([{ ...zj, msp: 'GuangdongMSP' }])],
    ])('rejects TRAIL_PEERS with %s', (_what, value) => {
      expect(failure({ TRAIL_PEERS: value }).details?.variables).toEqual(['TRAIL_PEERS']);
    });

    it('rejects a retry cap below its base, and peers given as bad overrides', () => {
      expect(failure({ TRAIL_RETRY_BASE_MS: '5000', TRAIL_RETRY_MAX_MS: '10' }).details?.variables).toEqual([
        'TRAIL_RETRY_MAX_MS',
      ]);
      expect(failure({ TRAIL_RETRY_ATTEMPTS: '0' }).details?.variables).toEqual(['TRAIL_RETRY_ATTEMPTS']);
      expect(failure({}, { trailPeers: [{ ...zj, url: 'ftp://zj.example' }] }).details?.variables).toEqual([
        'TRAIL_PEERS',
      ]);
    });
  });
});
