import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  COMMITMENT_ALG,
  commit,
  fieldDigest,
  issuanceStatement,
  newSalt,
  saltFields,
  verifyCommitmentRoot,
  verifyDisclosure,
  verifyDisclosures,
} from './commitment';
import { thrownCode } from './errors';
import type { Commitment, FieldValue, LicenceFields } from './model';

const FIELDS: LicenceFields = {
  holderName: '张三',
  licenceClass: 'C1',
  firstIssued: '2016-03-01',
  points: 12,
  organDonor: false,
};
// Fixed salts (16 bytes each) so the expected digests can be written down independently.
const SALTS: Record<string, string> = {
  holderName: Buffer.alloc(16, 1).toString('base64url'),
  licenceClass: Buffer.alloc(16, 2).toString('base64url'),
  firstIssued: Buffer.alloc(16, 3).toString('base64url'),
  points: Buffer.alloc(16, 4).toString('base64url'),
  organDonor: Buffer.alloc(16, 5).toString('base64url'),
};
const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64url');

describe('salts', () => {
  it('are 16 random bytes in base64url', () => {
    const salts = new Set(Array.from({ length: 200 }, () => newSalt()));
    expect(salts.size).toBe(200);
    for (const salt of salts) {
      expect(salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    }
  });

  it('are fresh for every field', () => {
    const salts = saltFields(FIELDS);
    expect(Object.keys(salts).sort()).toEqual(Object.keys(FIELDS).sort());
    expect(new Set(Object.values(salts)).size).toBe(Object.keys(FIELDS).length);
  });
});

describe('fieldDigest', () => {
  it('hashes the canonical JSON array [salt, name, value]', () => {
    const salt = SALTS.holderName!;
    expect(fieldDigest('holderName', '张三', salt)).toBe(sha(`["${salt}","holderName","张三"]`));
    expect(fieldDigest('points', 12, salt)).toBe(sha(`["${salt}","points",12]`));
    expect(fieldDigest('organDonor', false, salt)).toBe(sha(`["${salt}","organDonor",false]`));
  });

  it('distinguishes a number from its string form', () => {
    const salt = SALTS.points!;
    expect(fieldDigest('points', 12, salt)).not.toBe(fieldDigest('points', '12', salt));
  });
});

describe('commit', () => {
  const c = commit(FIELDS, SALTS);

  it('has one digest per field and a root over the canonical digest map', () => {
    expect(c.alg).toBe(COMMITMENT_ALG);
    expect(Object.keys(c.digests).sort()).toEqual(Object.keys(FIELDS).sort());
    expect(c.digests.licenceClass).toBe(sha(`["${SALTS.licenceClass}","licenceClass","C1"]`));
    const d = c.digests;
    const canonical = `{"firstIssued":"${d.firstIssued}","holderName":"${d.holderName}","licenceClass":"${d.licenceClass}","organDonor":"${d.organDonor}","points":"${d.points}"}`;
    expect(c.root).toBe(sha(canonical));
    expect(verifyCommitmentRoot(c)).toBe(true);
  });

  // Regression: a plain `salts[name] = …` turned a field named "__proto__" into a prototype
  // assignment, so its salt vanished and commit refused the salts saltFields had just made.
  it('salts and commits a field named "__proto__" like any other', () => {
    const fields = JSON.parse('{"__proto__":0," ":1}') as Record<string, number>;
    const salts = saltFields(fields);
    expect(Object.keys(salts).sort()).toEqual([' ', '__proto__']);
    const own = commit(fields, salts);
    expect(Object.keys(own.digests).sort()).toEqual([' ', '__proto__']);
    expect(verifyCommitmentRoot(own)).toBe(true);
    expect(verifyDisclosure(own, { name: '__proto__', value: 0, salt: salts['__proto__']! })).toBe(true);
    expect(verifyDisclosure(own, { name: '__proto__', value: 1, salt: salts['__proto__']! })).toBe(false);
  });

  it('is deterministic for the same salts and independent of field order', () => {
    const reordered = Object.fromEntries(Object.entries(FIELDS).reverse());
    expect(commit(reordered, SALTS)).toEqual(c);
  });

  it('commits an empty licence to the digest of {}', () => {
    expect(commit({}, {})).toEqual({ alg: COMMITMENT_ALG, digests: {}, root: sha('{}') });
  });

  it('ignores salts of fields that are not present', () => {
    expect(commit(FIELDS, { ...SALTS, extra: newSalt() })).toEqual(c);
  });

  const without = (key: string): Record<string, string> =>
    Object.fromEntries(Object.entries(SALTS).filter(([k]) => k !== key));
  const inherited = Object.assign(
    Object.create({ points: SALTS.points }) as Record<string, string>,
    without('points'),
  );

  it.each([
    ['a missing salt', FIELDS, without('points')],
    ['a salt only inherited from a prototype', FIELDS, inherited],
    ['a 15-byte salt', FIELDS, { ...SALTS, points: Buffer.alloc(15).toString('base64url') }],
    ['a 17-byte salt', FIELDS, { ...SALTS, points: Buffer.alloc(17).toString('base64url') }],
    ['a padded salt', FIELDS, { ...SALTS, points: `${SALTS.points}==` }],
    ['a standard-base64 salt', FIELDS, { ...SALTS, points: Buffer.alloc(16, 0xff).toString('base64') }],
    ['a non-string salt', FIELDS, { ...SALTS, points: 16 as unknown as string }],
    ['an empty field name', { '': 'x' }, { '': newSalt() }],
    ['a NaN value', { n: NaN }, { n: newSalt() }],
    ['an object value', { n: {} as unknown as FieldValue }, { n: newSalt() }],
    ['a null value', { n: null as unknown as FieldValue }, { n: newSalt() }],
    ['a lone surrogate', { n: '\uD800' }, { n: newSalt() }],
  ])('refuses %s with INVALID_ARGUMENT', (_name, fields, salts) => {
    expect(thrownCode(() => commit(fields, salts))).toBe('INVALID_ARGUMENT');
  });
});

describe('verifyCommitmentRoot', () => {
  const c = commit(FIELDS, SALTS);

  it.each([
    ['a changed root', { ...c, root: sha('x') }],
    ['a changed digest', { ...c, digests: { ...c.digests, points: sha('x') } }],
    ['a removed digest', { ...c, digests: { ...c.digests, points: undefined } }],
    ['an added digest', { ...c, digests: { ...c.digests, extra: sha('x') } }],
    ['another algorithm', { ...c, alg: 'sha256-v0' }],
    ['a digest that is not 32 bytes', { ...c, digests: { ...c.digests, points: 'AAAA' } }],
    ['a numeric digest', { ...c, digests: { ...c.digests, points: 32 } }],
    ['a digest that is not base64url', { ...c, digests: { ...c.digests, points: `${c.digests.points}=` } }],
    ['a digest name with no canonical form', { ...c, digests: { ...c.digests, '\uD800': sha('x') } }],
    ['digests as an array', { ...c, digests: [] }],
    ['no digests', { ...c, digests: null }],
    ['a numeric root', { ...c, root: 1 }],
    ['null', null],
    ['a string', 'commitment'],
  ])('is false for %s', (_name, value) => {
    expect(verifyCommitmentRoot(value as unknown as Commitment)).toBe(false);
  });
});

describe('verifyDisclosure', () => {
  const c = commit(FIELDS, SALTS);

  it('accepts each committed field with its salt', () => {
    for (const [name, value] of Object.entries(FIELDS)) {
      expect(verifyDisclosure(c, { name, value, salt: SALTS[name]! })).toBe(true);
    }
  });

  it.each([
    ['an unknown field', { name: 'nationality', value: 'CN', salt: SALTS.points }],
    ['an inherited name', { name: 'toString', value: 'x', salt: SALTS.points }],
    ['another field’s salt', { name: 'points', value: 12, salt: SALTS.holderName }],
    ['the value as a string', { name: 'points', value: '12', salt: SALTS.points }],
    ['a malformed salt', { name: 'points', value: 12, salt: 'not base64url!' }],
    ['a short salt', { name: 'points', value: 12, salt: 'AAAA' }],
    ['a missing salt', { name: 'points', value: 12 }],
    ['an object value', { name: 'points', value: { n: 12 }, salt: SALTS.points }],
    ['a numeric name', { name: 12, value: 12, salt: SALTS.points }],
    ['a lone-surrogate value', { name: 'holderName', value: '\uD800', salt: SALTS.holderName }],
    ['null', null],
  ])('is false for %s', (_name, d) => {
    expect(verifyDisclosure(c, d as unknown as { name: string; value: FieldValue; salt: string })).toBe(
      false,
    );
  });

  it('is false when the commitment was tampered with, even for a matching digest', () => {
    const forged = { ...c, digests: { ...c.digests, points: fieldDigest('points', 0, SALTS.points!) } };
    expect(verifyDisclosure(forged, { name: 'points', value: 0, salt: SALTS.points! })).toBe(false);
  });

  const fieldValue = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
  );

  it('is false for every tamper of name, value or salt', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fieldValue, { minKeys: 1, maxKeys: 6 }),
        fc.nat(),
        fc.nat(),
        fc.constantFrom('name', 'value', 'salt'),
        fieldValue,
        (fields, pick, at, what, otherValue) => {
          const salts = saltFields(fields);
          const commitment = commit(fields, salts);
          const names = Object.keys(fields);
          const name = names[pick % names.length]!;
          const honest = { name, value: fields[name]!, salt: salts[name]! };
          expect(verifyDisclosure(commitment, honest)).toBe(true);
          let tampered = honest;
          if (what === 'name') {
            const i = at % name.length;
            const flipped = String.fromCharCode(name.charCodeAt(i) ^ 1);
            tampered = { ...honest, name: name.slice(0, i) + flipped + name.slice(i + 1) };
            fc.pre(tampered.name !== name);
          } else if (what === 'value') {
            fc.pre(!Object.is(otherValue, honest.value) && !(otherValue === 0 && honest.value === 0));
            tampered = { ...honest, value: otherValue };
          } else {
            const bytes = Buffer.from(honest.salt, 'base64url');
            bytes[at % 16] = (bytes[at % 16] ?? 0) ^ (1 << (at % 8));
            tampered = { ...honest, salt: bytes.toString('base64url') };
          }
          expect(verifyDisclosure(commitment, tampered)).toBe(false);
        },
      ),
    );
  });
});

describe('verifyDisclosures', () => {
  const c = commit(FIELDS, SALTS);
  const honest = (name: keyof typeof FIELDS) => ({ name, value: FIELDS[name]!, salt: SALTS[name]! });

  it('gives one verdict per disclosure, in order', () => {
    const wrong = { ...honest('points'), value: 11 };
    expect(verifyDisclosures(c, [honest('holderName'), wrong, honest('licenceClass')])).toEqual([
      true,
      false,
      true,
    ]);
    expect(verifyDisclosures(c, [])).toEqual([]);
  });

  it('answers false for every disclosure when the commitment is not intact', () => {
    const forged = { ...c, root: c.digests.points! };
    expect(verifyDisclosures(forged, [honest('holderName'), honest('points')])).toEqual([false, false]);
  });

  it('agrees with verifyDisclosure on every tamper', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(FIELDS)),
        fc.oneof(fc.string(), fc.integer(), fc.boolean()),
        fc.boolean(),
        (name, value, tamper) => {
          const d = tamper ? { ...honest(name), value } : honest(name);
          expect(verifyDisclosures(c, [d])).toEqual([verifyDisclosure(c, d)]);
        },
      ),
    );
  });
});

describe('issuanceStatement', () => {
  it('binds the identifier, issuer, key and validity to the commitment root', () => {
    const c = commit(FIELDS, SALTS);
    const req = {
      id: '1.2.156.3005.2.JSZ.11440000MB2C93756J.2026000001.001.V',
      typeCode: 'JSZ',
      issuerUscc: '11440000MB2C93756J',
      kid: 'kid-1',
      commitment: c,
      validFrom: '2026-11-21',
      validUntil: null,
    };
    expect(issuanceStatement(req)).toEqual({
      id: req.id,
      typeCode: 'JSZ',
      issuerUscc: '11440000MB2C93756J',
      kid: 'kid-1',
      commitmentRoot: c.root,
      validFrom: '2026-11-21',
      validUntil: null,
    });
  });
});
