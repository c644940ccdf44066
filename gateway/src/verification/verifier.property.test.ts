import { createPrivateKey, createSecretKey, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { CompactSign, base64url } from 'jose';
import { createReceiptSigner, type ReceiptSigner } from '../keys/receipt-key';
import { createPresentation } from '../presentation/create';
import { tokenLid } from '../presentation/lid';
import { DRIVING_TYPE, fakeLedger, makeWorld, memoryReplay, ZJ, type World } from './fixtures';
import { createVerifier, type Verifier } from './verifier';

// Each property verifies 100 to 400 tokens (an ES256 signature check and a replay claim each): about 1 s
// on an idle machine, several times jest's default 5 s on a third of one core (`npm run test:slow`).
jest.setTimeout(60_000);

const NOW = new Date('2026-06-01T08:00:00.000Z');
const B64URL_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';

let world: World;
let receiptSigner: ReceiptSigner;
let valid: string;

beforeAll(async () => {
  world = await makeWorld();
  receiptSigner = await createReceiptSigner();
  valid = (
    await createPresentation({
      licence: world.licence,
      licenceType: DRIVING_TYPE,
      fields: world.fields,
      salts: world.salts,
      disclose: ['name', 'licenceClass', 'validUntil'],
      key: { kid: world.key.record.kid, privateKey: createPrivateKey(world.key.privateKeyPem) },
      ttlSeconds: 300,
      now: NOW,
    })
  ).token;
});

/** A fresh verifier each time, so the valid token's jti is never already claimed. */
function verifier(): Verifier {
  return createVerifier({
    ledger: fakeLedger(world),
    replay: memoryReplay(),
    myMsp: ZJ.msp,
    clock: () => NOW,
    clockToleranceSeconds: 30,
    maxTokenTtlSeconds: 600,
    receiptSigner,
  });
}

const encode = (value: unknown) => base64url.encode(JSON.stringify(value));

function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = Math.floor(NOW.getTime() / 1000);
  return {
    lid: tokenLid(world.licence.id),
    d: [[1, 'C1', world.salts.licenceClass]],
    iat,
    exp: iat + 300,
    jti: 'BBBBBBBBBBBBBBBB',
    ...over,
  };
}

/** A token assembled by hand: any header, the real agency key's signature (or none). */
async function handMade(
  header: Record<string, unknown>,
  body: Record<string, unknown> = claims(),
): Promise<string> {
  const input = `${encode(header)}.${encode(body)}`;
  const real = await new CompactSign(Buffer.from(JSON.stringify(body)))
    .setProtectedHeader({ alg: 'ES256', typ: 'llp+jwt', kid: world.key.record.kid })
    .sign(createPrivateKey(world.key.privateKeyPem));
  return `${input}.${real.split('.')[2]}`;
}

describe('verifier properties', () => {
  it('the untampered token is VALID (the baseline the properties rely on)', async () => {
    expect((await verifier().verify({ token: valid })).result).toBe('VALID');
  });

  it('no single-character change of a valid token is VALID, and none throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 10_000 }),
        fc.constantFrom(...B64URL_CHARS.split('')),
        async (at, ch) => {
          const i = at % valid.length;
          fc.pre(valid[i] !== ch);
          const tampered = valid.slice(0, i) + ch + valid.slice(i + 1);
          const r = await verifier().verify({ token: tampered });
          expect(r.result).not.toBe('VALID');
        },
      ),
      { numRuns: 400 },
    );
  });

  it('every position, changed once, is rejected', async () => {
    for (let i = 0; i < valid.length; i++) {
      const ch = valid[i] === 'A' ? 'B' : 'A';
      const r = await verifier().verify({ token: valid.slice(0, i) + ch + valid.slice(i + 1) });
      expect(r.result).not.toBe('VALID');
    }
  });

  it('random strings are never VALID and never throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.stringMatching(/^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/),
        ),
        async (s) => {
          const r = await verifier().verify({ token: s });
          expect(['MALFORMED', 'UNKNOWN_KEY', 'INVALID_SIGNATURE']).toContain(r.result);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random JSON values as the token are MALFORMED', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        fc.pre(typeof v !== 'string');
        expect((await verifier().verify({ token: v })).result).toBe('MALFORMED');
      }),
      { numRuns: 100 },
    );
  });

  it('alg none (unsigned) is MALFORMED', async () => {
    const token = `${encode({ alg: 'none', typ: 'llp+jwt', kid: world.key.record.kid })}.${encode(claims())}.`;
    expect((await verifier().verify({ token })).result).toBe('MALFORMED');
  });

  it('HS256 keyed with the public key (algorithm confusion) is MALFORMED', async () => {
    const secret = createSecretKey(Buffer.from(world.key.record.certificatePem));
    const token = await new CompactSign(Buffer.from(JSON.stringify(claims())))
      .setProtectedHeader({ alg: 'HS256', typ: 'llp+jwt', kid: world.key.record.kid })
      .sign(secret);
    expect((await verifier().verify({ token })).result).toBe('MALFORMED');
  });

  it.each([
    ['ES384', { alg: 'ES384' }],
    ['RS256', { alg: 'RS256' }],
    ['wrong typ', { typ: 'JWT' }],
    ['no typ', { typ: undefined }],
    ['crit', { crit: ['exp'], exp: 1 }],
    ['jku', { jku: 'https://attacker.example/jwks.json' }],
    ['x5u', { x5u: 'https://attacker.example/cert.pem' }],
    ['embedded jwk', { jwk: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } }],
    ['b64 false', { b64: false, crit: ['b64'] }],
  ])('a header with %s is MALFORMED', async (_label, patch) => {
    const header = { alg: 'ES256', typ: 'llp+jwt', kid: world.key.record.kid, ...patch };
    expect((await verifier().verify({ token: await handMade(header) })).result).toBe('MALFORMED');
  });

  it.each([
    ['path traversal', '../../etc/passwd'],
    ['SQL', "x' OR '1'='1"],
    ['10 KB', 'k'.repeat(10 * 1024)],
    ['65 characters', 'k'.repeat(65)],
    ['a full 43-character thumbprint', 'k'.repeat(43)],
    ['23 characters', 'k'.repeat(23)],
    ['a non-canonical 22-character spelling', `${'k'.repeat(21)}B`],
    ['empty', ''],
    ['non-string', 42],
    ['NUL byte', 'abc\u0000def'],
  ])('an injected kid (%s) is MALFORMED and never reaches the ledger', async (_label, kid) => {
    const ledger = fakeLedger(world);
    const v = createVerifier({
      ledger,
      replay: memoryReplay(),
      myMsp: ZJ.msp,
      clock: () => NOW,
      clockToleranceSeconds: 30,
      maxTokenTtlSeconds: 600,
      receiptSigner,
    });
    const r = await v.verify({ token: await handMade({ alg: 'ES256', typ: 'llp+jwt', kid }) });
    expect(r.result).toBe('MALFORMED');
    expect(ledger.calls).toEqual([]);
  });

  it('missing exp is never VALID even when properly signed', async () => {
    const { exp: _exp, ...noExp } = claims();
    const token = await new CompactSign(Buffer.from(JSON.stringify(noExp)))
      .setProtectedHeader({ alg: 'ES256', typ: 'llp+jwt', kid: world.key.record.kid })
      .sign(createPrivateKey(world.key.privateKeyPem));
    expect((await verifier().verify({ token })).result).toBe('MALFORMED');
  });

  it('a token signed by a fresh key under a registered kid is never VALID', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constant(null), async () => {
        const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
        const token = await new CompactSign(Buffer.from(JSON.stringify(claims())))
          .setProtectedHeader({ alg: 'ES256', typ: 'llp+jwt', kid: world.key.record.kid })
          .sign(key);
        expect((await verifier().verify({ token })).result).toBe('INVALID_SIGNATURE');
      }),
      { numRuns: 10 },
    );
  });

  it('random signed claims are never VALID unless they are the genuine disclosure', async () => {
    const anyClaims = fc.record(
      {
        lid: fc.oneof(fc.string(), fc.constant(tokenLid(world.licence.id)), fc.constant(world.licence.id)),
        d: fc.oneof(
          fc.dictionary(
            fc.string({ maxLength: 8 }),
            fc.tuple(fc.oneof(fc.string(), fc.integer(), fc.boolean()), fc.string()),
          ),
          fc.array(
            fc.tuple(
              fc.oneof(fc.integer({ min: -2, max: 70 }), fc.double(), fc.string()),
              fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant('C1')),
              fc.oneof(fc.string(), fc.constant(world.salts.licenceClass!)),
            ),
            { maxLength: 6 },
          ),
        ),
        iat: fc.oneof(fc.integer(), fc.constant(Math.floor(NOW.getTime() / 1000))),
        exp: fc.integer(),
        jti: fc.string(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(anyClaims, async (c) => {
        const token = await new CompactSign(Buffer.from(JSON.stringify(c)))
          .setProtectedHeader({ alg: 'ES256', typ: 'llp+jwt', kid: world.key.record.kid })
          .sign(createPrivateKey(world.key.privateKeyPem));
        const r = await verifier().verify({ token });
        expect(r.result).not.toBe('VALID');
      }),
      { numRuns: 150 },
    );
  });
});
