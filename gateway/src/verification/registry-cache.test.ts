import type { LicenceRecord, SigningKey } from '@licence-ledger/domain';
import { GD, ZJ, fakeLedger, makeKey, makeWorld, type World } from './fixtures';
import { Lru } from './lru';
import type { VerificationLedger } from './ports';
import { RegistryCache } from './registry-cache';

let world: World;
let kid: string;
let ms: number;
const clock = () => new Date(ms);

beforeEach(async () => {
  world = await makeWorld();
  kid = world.key.record.kid;
  ms = 1_000;
});

const count = (calls: string[], name: string) => calls.filter((c) => c === name).length;

function cacheOver(
  ledger: VerificationLedger,
  opts: { ttlMs?: number; maxEntries?: number; licenceTtlMs?: number } = {},
) {
  return new RegistryCache(ledger, { clock, ...opts });
}

/** A read the test resolves by hand, to hold several calls in flight at once. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('RegistryCache', () => {
  it('answers a second read of each kind from the cache', async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger);
    for (let i = 0; i < 3; i++) {
      expect((await cache.signingKey(kid))?.kid).toBe(kid);
      expect((await cache.province(GD.msp))?.mspId).toBe(GD.msp);
      expect((await cache.licenceType('JSZ'))?.code).toBe('JSZ');
      expect(await cache.ruleHistory(ZJ.msp, 'JSZ')).toHaveLength(1);
    }
    for (const read of ['getSigningKey', 'getProvince', 'getLicenceType', 'getRecognitionRuleHistory']) {
      expect(count(ledger.calls, read)).toBe(1);
    }
    expect(cache.stats().keys).toEqual({ hits: 2, misses: 1, joined: 0, size: 1 });
  });

  it('re-reads a key once its TTL has passed, and sees the change the ledger made', async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger, { ttlMs: 30_000 });
    expect((await cache.signingKey(kid))?.status).toBe('active');
    world.keys.set(kid, { ...world.key.record, status: 'compromised' });
    ms += 29_999;
    expect((await cache.signingKey(kid))?.status).toBe('active');
    ms += 1;
    expect((await cache.signingKey(kid))?.status).toBe('compromised');
    expect(count(ledger.calls, 'getSigningKey')).toBe(2);
  });

  // The TTLs run on the wall clock: one set back must not stretch an entry's life by the step.
  it('re-reads a key when the clock is set back before the key was read', async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger, { ttlMs: 30_000 });
    await cache.signingKey(kid);
    world.keys.set(kid, { ...world.key.record, status: 'compromised' });
    ms -= 1;
    expect((await cache.signingKey(kid))?.status).toBe('compromised');
    expect(count(ledger.calls, 'getSigningKey')).toBe(2);
  });

  it('keeps write-once provinces and types longer than keys', async () => {
    const ledger = fakeLedger(world);
    const cache = new RegistryCache(ledger, { clock, ttlMs: 1_000, writeOnceTtlMs: 60_000 });
    await Promise.all([cache.province(GD.msp), cache.licenceType('JSZ'), cache.signingKey(kid)]);
    ms += 5_000;
    await Promise.all([cache.province(GD.msp), cache.licenceType('JSZ'), cache.signingKey(kid)]);
    expect(count(ledger.calls, 'getProvince')).toBe(1);
    expect(count(ledger.calls, 'getLicenceType')).toBe(1);
    expect(count(ledger.calls, 'getSigningKey')).toBe(2);
    ms += 60_000;
    await cache.province(GD.msp);
    expect(count(ledger.calls, 'getProvince')).toBe(2);
  });

  it('with ttlMs 0 keeps no key or rule history between calls', async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger, { ttlMs: 0 });
    await cache.signingKey(kid);
    await cache.signingKey(kid);
    await cache.ruleHistory(ZJ.msp, 'JSZ');
    await cache.ruleHistory(ZJ.msp, 'JSZ');
    expect(count(ledger.calls, 'getSigningKey')).toBe(2);
    expect(count(ledger.calls, 'getRecognitionRuleHistory')).toBe(2);
  });

  it.each([
    ['signingKey', 'compromise', 'getSigningKey'],
    ['signingKey', 'retire', 'getSigningKey'],
    ['province', 'join', 'getProvince'],
    ['licenceType', 'add', 'getLicenceType'],
    ['recognitionRule', 'publish', 'getRecognitionRuleHistory'],
  ] as const)('drops the entry a %s %s event names', async (entity, action, read) => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger);
    const touch = () =>
      Promise.all([
        cache.signingKey(kid),
        cache.province(GD.msp),
        cache.licenceType('JSZ'),
        cache.ruleHistory(ZJ.msp, 'JSZ'),
      ]);
    await touch();
    // Keys as the chaincode's RegistryChanged events spell them (chaincode/src/registry-contract.ts).
    const key = {
      signingKey: kid,
      province: GD.msp,
      licenceType: 'JSZ',
      recognitionRule: `${ZJ.msp}/JSZ/4`,
    }[entity];
    cache.invalidateEvent({ items: [{ entity, key, action }] });
    await touch();
    for (const other of ['getSigningKey', 'getProvince', 'getLicenceType', 'getRecognitionRuleHistory']) {
      expect(count(ledger.calls, other)).toBe(other === read ? 2 : 1);
    }
  });

  it('drops only the rule history of the recognising province and type named', async () => {
    world.rules.set(`${GD.msp}/JSZ`, [{ ...world.rules.get(`${ZJ.msp}/JSZ`)![0]!, recognisingMsp: GD.msp }]);
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger);
    await cache.ruleHistory(ZJ.msp, 'JSZ');
    await cache.ruleHistory(GD.msp, 'JSZ');
    cache.invalidate({ entity: 'recognitionRule', key: `${GD.msp}/JSZ/2`, action: 'publish' });
    await cache.ruleHistory(ZJ.msp, 'JSZ');
    await cache.ruleHistory(GD.msp, 'JSZ');
    expect(count(ledger.calls, 'getRecognitionRuleHistory')).toBe(3);
  });

  it('ignores licence, agency and proposal events for registry entries, and drops everything on bootstrap or invalidateAll', async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger);
    await cache.signingKey(kid);
    cache.invalidate({ entity: 'licence', key: world.licence.id, action: 'revoke', status: '07' });
    cache.invalidate({ entity: 'agency', key: GD.agency, action: 'register' });
    cache.invalidate({ entity: 'proposal', key: 'p1', action: 'approve' });
    await cache.signingKey(kid);
    expect(count(ledger.calls, 'getSigningKey')).toBe(1);
    cache.invalidate({ entity: 'province', key: 'consortium', action: 'bootstrap' });
    await cache.signingKey(kid);
    cache.invalidateAll();
    await cache.signingKey(kid);
    expect(count(ledger.calls, 'getSigningKey')).toBe(3);
  });

  it('never keeps "not found": a key registered after a miss is found on the next read', async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger);
    const late = await makeKey(world.caGd, GD.agency, GD.code, GD.msp);
    expect(await cache.signingKey(late.record.kid)).toBeNull();
    world.keys.set(late.record.kid, late.record);
    expect((await cache.signingKey(late.record.kid))?.kid).toBe(late.record.kid);
    const rules = world.rules.get(`${ZJ.msp}/JSZ`)!;
    world.rules.clear();
    expect(await cache.ruleHistory(ZJ.msp, 'JSZ')).toEqual([]);
    world.rules.set(`${ZJ.msp}/JSZ`, rules);
    expect(await cache.ruleHistory(ZJ.msp, 'JSZ')).toHaveLength(1);
    expect(await cache.province('ShanghaiMSP')).toBeNull();
    expect(cache.stats().provinces.size).toBe(0);
  });

  it('treats a record of another name as not found (provinces, types, rule versions)', async () => {
    const gd = world.provinces.get(GD.msp)!;
    const ledger = fakeLedger(world);
    const cache = cacheOver({
      ...ledger,
      getProvince: () => Promise.resolve(gd),
      getLicenceType: () => Promise.resolve(world.types.get('JSZ')!),
      getRecognitionRuleHistory: () => ledger.getRecognitionRuleHistory(ZJ.msp, 'JSZ'),
    });
    expect(await cache.province(ZJ.msp)).toBeNull();
    expect(await cache.licenceType('YYZZ')).toBeNull();
    expect(await cache.ruleHistory(GD.msp, 'JSZ')).toEqual([]);
  });

  it('shares one ledger read among concurrent misses of the same entry', async () => {
    const gate = deferred<SigningKey | null>();
    let reads = 0;
    const ledger = fakeLedger(world);
    const cache = cacheOver({
      ...ledger,
      getSigningKey: () => {
        reads++;
        return gate.promise;
      },
    });
    const waiting = Array.from({ length: 5 }, () => cache.signingKey(kid));
    gate.resolve(world.key.record);
    const keys = await Promise.all(waiting);
    expect(keys.every((k) => k?.kid === kid)).toBe(true);
    expect(reads).toBe(1);
    expect(cache.stats().keys).toMatchObject({ misses: 1, joined: 4 });
    await cache.signingKey(kid);
    expect(reads).toBe(1);
  });

  it('does not keep a read that was in flight when its entry was invalidated', async () => {
    const gates = [deferred<SigningKey | null>(), deferred<SigningKey | null>()];
    let reads = 0;
    const ledger = fakeLedger(world);
    const cache = cacheOver({ ...ledger, getSigningKey: () => gates[reads++]!.promise });
    const before = cache.signingKey(kid);
    cache.invalidate({ entity: 'signingKey', key: kid, action: 'compromise' });
    // A call after the invalidation does not join the older read.
    const after = cache.signingKey(kid);
    gates[0]!.resolve(world.key.record);
    const compromised: SigningKey = { ...world.key.record, status: 'compromised' };
    gates[1]!.resolve(compromised);
    expect((await before)?.status).toBe('active');
    expect((await after)?.status).toBe('compromised');
    expect((await cache.signingKey(kid))?.status).toBe('compromised');
    expect(reads).toBe(2);
  });

  it('passes a failed read to every waiter and keeps nothing', async () => {
    const gate = deferred<SigningKey | null>();
    let reads = 0;
    const ledger = fakeLedger(world);
    const cache = cacheOver({
      ...ledger,
      getSigningKey: () => (++reads === 1 ? gate.promise : Promise.resolve(world.key.record)),
    });
    const waiting = [cache.signingKey(kid), cache.signingKey(kid)];
    gate.reject(new Error('peer unavailable'));
    for (const w of waiting) await expect(w).rejects.toThrow();
    expect((await cache.signingKey(kid))?.kid).toBe(kid);
    expect(reads).toBe(2);
  });

  it('holds at most maxEntries per kind, evicting the least recently used', async () => {
    const keys: SigningKey[] = [];
    for (let i = 0; i < 5; i++) keys.push((await makeKey(world.caGd, GD.agency, GD.code, GD.msp)).record);
    for (const k of keys) world.keys.set(k.kid, k);
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger, { maxEntries: 3 });
    for (const k of keys.slice(0, 3)) await cache.signingKey(k.kid);
    await cache.signingKey(keys[0]!.kid); // now the most recent
    await cache.signingKey(keys[3]!.kid); // evicts keys[1]
    await cache.signingKey(keys[4]!.kid); // evicts keys[2]
    expect(cache.stats().keys.size).toBe(3);
    const reads = count(ledger.calls, 'getSigningKey');
    await cache.signingKey(keys[0]!.kid);
    expect(count(ledger.calls, 'getSigningKey')).toBe(reads);
    await cache.signingKey(keys[1]!.kid);
    expect(count(ledger.calls, 'getSigningKey')).toBe(reads + 1);
    expect(cache.stats().keys.size).toBe(3);
  });

  it('refuses nonsensical options', () => {
    const ledger = fakeLedger(world);
    expect(() => new RegistryCache(ledger, { ttlMs: -1 })).toThrow(RangeError);
    expect(() => new RegistryCache(ledger, { ttlMs: Number.NaN })).toThrow(RangeError);
    expect(() => new RegistryCache(ledger, { maxEntries: 0 })).toThrow(RangeError);
  });
});

describe('Lru', () => {
  it('never holds more than its bound and keeps the most recently used', () => {
    const lru = new Lru<number, number>(2);
    lru.set(1, 1);
    lru.set(2, 2);
    lru.get(1);
    lru.set(3, 3);
    expect(lru.size).toBe(2);
    expect(lru.get(2)).toBeUndefined();
    expect(lru.get(1)).toBe(1);
    expect(lru.get(3)).toBe(3);
  });
});

describe('RegistryCache: licence records', () => {
  const revoked = (): void => {
    world.licences.set(world.licence.id, { ...world.licence, status: '07' });
  };

  it('reads the record for every call by default, sharing only reads in flight', async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger);
    await cache.licence(world.licence.id);
    await cache.licence(world.licence.id);
    expect(count(ledger.calls, 'readLicence')).toBe(2);
    await Promise.all([cache.licence(world.licence.id), cache.licence(world.licence.id)]);
    expect(count(ledger.calls, 'readLicence')).toBe(3);
    expect(cache.stats().licences).toMatchObject({ hits: 0, joined: 1, size: 0 });
  });

  it('keeps a record for licenceTtlMs with the ledger point read before it, then reads it again', async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger, { licenceTtlMs: 2_000 });
    const first = await cache.licence(world.licence.id);
    expect(ledger.calls.slice(-2)).toEqual(['chainInfo', 'readLicence']);
    expect(first.point).toEqual({ height: 42, time: '2026-06-01T00:00:00.000Z' });
    revoked();
    ms += 1_999;
    const hit = await cache.licence(world.licence.id);
    expect(hit.record?.status).toBe('01');
    expect(hit.point).toEqual(first.point);
    ms += 1;
    expect((await cache.licence(world.licence.id)).record?.status).toBe('07');
    expect(count(ledger.calls, 'readLicence')).toBe(2);
  });

  it("uses the caller's earlier ledger point on a miss instead of reading the height again", async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger, { licenceTtlMs: 2_000 });
    const read = await cache.licence(world.licence.id, { height: 40, time: null });
    expect(read.point).toEqual({ height: 40, time: null });
    expect(count(ledger.calls, 'chainInfo')).toBe(0);
  });

  it('drops a record when an event names the licence, and on invalidateAll', async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger, { licenceTtlMs: 5_000 });
    await cache.licence(world.licence.id);
    revoked();
    cache.invalidate({ entity: 'signingKey', key: kid, action: 'retire' });
    expect((await cache.licence(world.licence.id)).record?.status).toBe('01');
    cache.invalidate({ entity: 'licence', key: world.licence.id, action: 'revoke', status: '07' });
    expect((await cache.licence(world.licence.id)).record?.status).toBe('07');
    cache.invalidateAll();
    await cache.licence(world.licence.id);
    expect(count(ledger.calls, 'readLicence')).toBe(3);
  });

  it('does not keep a record whose read was in flight when the licence changed', async () => {
    const gates = [deferred<LicenceRecord | null>(), deferred<LicenceRecord | null>()];
    let reads = 0;
    const ledger = fakeLedger(world);
    const cache = cacheOver(
      { ...ledger, readLicence: () => gates[reads++]!.promise },
      { licenceTtlMs: 5_000 },
    );
    const before = cache.licence(world.licence.id);
    await Promise.resolve(); // the height is read first
    await Promise.resolve();
    cache.invalidate({ entity: 'licence', key: world.licence.id, action: 'revoke', status: '07' });
    const after = cache.licence(world.licence.id);
    gates[0]!.resolve(world.licence);
    gates[1]!.resolve({ ...world.licence, status: '07' });
    expect((await before).record?.status).toBe('01');
    expect((await after).record?.status).toBe('07');
    expect((await cache.licence(world.licence.id)).record?.status).toBe('07');
    expect(reads).toBe(2);
  });

  it('never keeps a licence that is not on the ledger, or a record of another id', async () => {
    const ledger = fakeLedger(world);
    const cache = cacheOver(ledger, { licenceTtlMs: 5_000 });
    expect((await cache.licence('GD-NOPE')).record).toBeNull();
    expect((await cache.licence('GD-NOPE')).record).toBeNull();
    expect(count(ledger.calls, 'readLicence')).toBe(2);
    const liar = cacheOver(
      { ...ledger, readLicence: () => Promise.resolve(world.licence) },
      { licenceTtlMs: 5_000 },
    );
    expect((await liar.licence('GD-OTHER')).record).toBeNull();
    expect(cache.stats().licences.size).toBe(0);
  });
});
