import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { thrownLicenceError } from '@licence-ledger/domain';
import { loadPkiConfig, parsePkiConfig, parsePkiConfigYaml } from './config';

const NETWORK_YAML = join(__dirname, '..', 'config', 'network.yaml');
const SMALL_YAML = join(__dirname, '__fixtures__', 'small-network.yaml');

/** A plain, mutable copy of the shipped configuration to break in tests. */
function shipped(): Record<string, unknown> & { provinces: Record<string, unknown>[] } {
  return JSON.parse(JSON.stringify(loadPkiConfig(NETWORK_YAML))) as Record<string, unknown> & {
    provinces: Record<string, unknown>[];
  };
}

describe('loadPkiConfig', () => {
  it('loads the shipped network: orderer org with 3 nodes and the 3 default provinces', () => {
    const config = loadPkiConfig(NETWORK_YAML);
    expect(config.orderer).toMatchObject({
      mspId: 'OrdererMSP',
      orderers: ['orderer0', 'orderer1', 'orderer2'],
    });
    expect(config.provinces.map((p) => [p.code, p.mspId])).toEqual([
      ['440000', 'GuangdongMSP'],
      ['330000', 'ZhejiangMSP'],
      ['110000', 'BeijingMSP'],
    ]);
    expect(config.provinces.flatMap((p) => p.agencies.map((a) => a.uscc))).toEqual([
      '11440000MB2C93756J',
      '11440100MB2D15098D',
      '11330000MB1F22343T',
      '11330100MB1K50876U',
      '11110000MB0A33215E',
      '11110105MB1E72869P',
    ]);
    expect(config.tlsSans).toEqual(expect.arrayContaining(['localhost', '127.0.0.1']));
  });

  it('fills defaults and reads an unquoted province code', () => {
    const config = loadPkiConfig(SMALL_YAML);
    expect(config.provinces[0]).toMatchObject({ code: '440000', peers: ['peer0'], verifiers: ['Verifier'] });
  });

  it('reports an unreadable file as NOT_FOUND', () => {
    expect(thrownLicenceError(() => loadPkiConfig(join(__dirname, 'no-such-file.yaml')))!.code).toBe(
      'NOT_FOUND',
    );
  });
});

describe('parsePkiConfig', () => {
  it('accepts its own output (validation is idempotent)', () => {
    const config = loadPkiConfig(NETWORK_YAML);
    expect(parsePkiConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });

  it.each([
    ['root', (c: ReturnType<typeof shipped>) => Object.assign(c, { extra: 1 }), '$.extra'],
    [
      'orderer',
      (c: ReturnType<typeof shipped>) => Object.assign(c.orderer as object, { port: 7050 }),
      '$.orderer.port',
    ],
    [
      'province',
      (c: ReturnType<typeof shipped>) => Object.assign(c.provinces[1]!, { mspid: 'x' }),
      '$.provinces[1].mspid',
    ],
    [
      'agency',
      (c: ReturnType<typeof shipped>) =>
        Object.assign((c.provinces[0]!.agencies as object[])[0]!, { kid: 'x' }),
      '$.provinces[0].agencies[0].kid',
    ],
  ])('rejects an unknown key in %s with INVALID_ARGUMENT naming its path', (_where, mutate, path) => {
    const config = shipped();
    mutate(config);
    const err = thrownLicenceError(() => parsePkiConfig(config))!;
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.details).toMatchObject({ path, reason: 'unknown-key' });
  });

  it('rejects any unknown root key', () => {
    const known = ['version', 'validity', 'tlsSans', 'orderer', 'provinces'];
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !known.includes(k) && k !== '__proto__'),
        (key) => {
          const config = { ...shipped(), [key]: 'x' };
          expect(thrownLicenceError(() => parsePkiConfig(config))!.code).toBe('INVALID_ARGUMENT');
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects a USCC with any single character changed with INVALID_USCC', () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    fc.assert(
      fc.property(
        fc.nat({ max: 2 }),
        fc.nat({ max: 1 }),
        fc.nat({ max: 17 }),
        fc.constantFrom(...alphabet),
        (p, a, at, ch) => {
          const config = shipped();
          const agency = (config.provinces[p]!.agencies as { uscc: string }[])[a]!;
          fc.pre(agency.uscc[at] !== ch);
          agency.uscc = agency.uscc.slice(0, at) + ch + agency.uscc.slice(at + 1);
          expect(thrownLicenceError(() => parsePkiConfig(config))!.code).toBe('INVALID_USCC');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('rejects a valid USCC registered in another province with INVALID_USCC', () => {
    const config = shipped();
    (config.provinces[0]!.agencies as { uscc: string }[])[0]!.uscc = '11330000MB1F22343T';
    (config.provinces[1]!.agencies as unknown[]).splice(0, 1);
    const err = thrownLicenceError(() => parsePkiConfig(config))!;
    expect(err.code).toBe('INVALID_USCC');
    expect(err.details).toMatchObject({ reason: 'province' });
  });

  it.each([
    [
      'MSP ID',
      (c: ReturnType<typeof shipped>) => (c.provinces[2]!.mspId = 'GuangdongMSP'),
      '$.provinces[2].mspId',
    ],
    [
      'MSP ID with the orderer',
      (c: ReturnType<typeof shipped>) => (c.provinces[0]!.mspId = 'OrdererMSP'),
      '$.provinces[0].mspId',
    ],
    [
      'domain',
      (c: ReturnType<typeof shipped>) => (c.provinces[1]!.domain = c.provinces[0]!.domain),
      '$.provinces[1].domain',
    ],
    [
      'peer',
      (c: ReturnType<typeof shipped>) => (c.provinces[0]!.peers = ['peer0', 'peer0']),
      '$.provinces[0].peers[1]',
    ],
  ])('rejects a duplicate %s with INVALID_ARGUMENT', (_what, mutate, path) => {
    const config = shipped();
    mutate(config);
    const err = thrownLicenceError(() => parsePkiConfig(config))!;
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.details).toMatchObject({ path, reason: 'duplicate' });
  });

  it('rejects the same agency listed twice with INVALID_ARGUMENT', () => {
    const config = shipped();
    const agencies = config.provinces[0]!.agencies as unknown[];
    agencies.push({ ...(agencies[0] as object) });
    expect(thrownLicenceError(() => parsePkiConfig(config))!.details).toMatchObject({ reason: 'duplicate' });
  });

  it.each([
    ['version 2', (c: ReturnType<typeof shipped>) => (c.version = 2), 'INVALID_ARGUMENT'],
    ['no provinces', (c: ReturnType<typeof shipped>) => (c.provinces = []), 'INVALID_ARGUMENT'],
    [
      'bad domain',
      (c: ReturnType<typeof shipped>) => (c.provinces[0]!.domain = 'not a domain'),
      'INVALID_ARGUMENT',
    ],
    [
      'bad MSP ID',
      (c: ReturnType<typeof shipped>) => (c.provinces[0]!.mspId = 'Guangdong MSP'),
      'INVALID_ARGUMENT',
    ],
    [
      'city code',
      (c: ReturnType<typeof shipped>) => (c.provinces[0]!.code = '440100'),
      'INVALID_PROVINCE_CODE',
    ],
    ['bad SAN', (c: ReturnType<typeof shipped>) => (c.tlsSans = ['local host']), 'INVALID_ARGUMENT'],
    [
      'reserved user',
      (c: ReturnType<typeof shipped>) => (c.provinces[0]!.verifiers = ['Admin']),
      'INVALID_ARGUMENT',
    ],
    [
      'leaf outliving CA',
      (c: ReturnType<typeof shipped>) => (c.validity = { caDays: 10, identityDays: 20 }),
      'INVALID_ARGUMENT',
    ],
    ['zero days', (c: ReturnType<typeof shipped>) => (c.validity = { caDays: 0 }), 'INVALID_ARGUMENT'],
  ])('rejects %s', (_what, mutate, code) => {
    const config = shipped();
    mutate(config);
    expect(thrownLicenceError(() => parsePkiConfig(config))!.code).toBe(code);
  });
});

describe('parsePkiConfigYaml', () => {
  it('round-trips the shipped configuration through YAML', () => {
    const config = loadPkiConfig(NETWORK_YAML);
    expect(parsePkiConfigYaml(stringify(config))).toEqual(config);
  });

  it('rejects malformed YAML and duplicate keys with INVALID_ARGUMENT', () => {
    expect(thrownLicenceError(() => parsePkiConfigYaml('version: [1'))!.details).toMatchObject({
      reason: 'yaml',
    });
    expect(thrownLicenceError(() => parsePkiConfigYaml('version: 1\nversion: 1\n'))!.details).toMatchObject({
      reason: 'yaml',
    });
  });
});
