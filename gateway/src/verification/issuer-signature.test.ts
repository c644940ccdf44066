import { createPublicKey } from 'node:crypto';
import { issuanceStatement, verifyStatement } from '@licence-ledger/domain';
import { makeWorld, type World } from './fixtures';
import { IssuerSignatureCache } from './issuer-signature';

let world: World;

beforeAll(async () => {
  world = await makeWorld();
});

const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);

describe('IssuerSignatureCache', () => {
  it('verifies a licence signature once and answers repeats from memory', () => {
    let calls = 0;
    const cache = new IssuerSignatureCache(16, (...args) => {
      calls++;
      return verifyStatement(...args);
    });
    const key = createPublicKey(world.key.record.certificatePem);
    const statement = issuanceStatement(world.licence);
    for (let i = 0; i < 3; i++) expect(cache.check(statement, world.licence.signature, key)).toBe(true);
    expect(calls).toBe(1);
    expect(cache.computed).toBe(1);
  });

  it('never lets a verified entry vouch for another signature, commitment root or validity', () => {
    const cache = new IssuerSignatureCache();
    const key = createPublicKey(world.key.record.certificatePem);
    const statement = issuanceStatement(world.licence);
    expect(cache.check(statement, world.licence.signature, key)).toBe(true);
    expect(cache.check(statement, flip(world.licence.signature), key)).toBe(false);
    expect(
      cache.check(
        { ...statement, commitmentRoot: flip(statement.commitmentRoot) },
        world.licence.signature,
        key,
      ),
    ).toBe(false);
    expect(cache.check({ ...statement, validUntil: '2099-01-01' }, world.licence.signature, key)).toBe(false);
    expect(cache.check({ ...statement, id: `${statement.id}0` }, world.licence.signature, key)).toBe(false);
  });

  it('does not remember failures', () => {
    let calls = 0;
    const cache = new IssuerSignatureCache(16, (...args) => {
      calls++;
      return verifyStatement(...args);
    });
    const key = createPublicKey(world.key.record.certificatePem);
    const statement = issuanceStatement(world.licence);
    expect(cache.check(statement, flip(world.licence.signature), key)).toBe(false);
    expect(cache.check(statement, flip(world.licence.signature), key)).toBe(false);
    expect(calls).toBe(2);
    expect(cache.size).toBe(0);
  });

  it('keeps at most its bound, evicting the least recently used', () => {
    let calls = 0;
    const cache = new IssuerSignatureCache(2, () => {
      calls++;
      return true;
    });
    const key = createPublicKey(world.key.record.certificatePem);
    const statement = issuanceStatement(world.licence);
    const check = (validUntil: string) => cache.check({ ...statement, validUntil }, 'sig', key);
    check('2033-01-01');
    check('2034-01-01');
    check('2035-01-01');
    expect(cache.size).toBe(2);
    expect(calls).toBe(3);
    check('2035-01-01');
    expect(calls).toBe(3);
    check('2033-01-01');
    expect(calls).toBe(4);
  });
});
