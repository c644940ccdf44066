import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import fc from 'fast-check';
import { LicenceError } from '@licence-ledger/domain';
import { importSigningKey, randomSerial, toLowS } from './keys';

const N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const sOf = (sig: ArrayBuffer): bigint =>
  BigInt('0x' + Buffer.from(new Uint8Array(sig).subarray(32)).toString('hex'));

describe('toLowS', () => {
  it('always yields s <= n/2, keeps r, and is idempotent', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
        const s = BigInt('0x' + Buffer.from(bytes.subarray(32)).toString('hex'));
        fc.pre(s > 0n && s < N);
        const input = Uint8Array.from(bytes).buffer;
        const low = toLowS(input);
        expect(sOf(low) <= N >> 1n).toBe(true);
        expect(Buffer.from(new Uint8Array(low).subarray(0, 32))).toEqual(Buffer.from(bytes.subarray(0, 32)));
        expect(Buffer.from(toLowS(low))).toEqual(Buffer.from(low));
      }),
    );
  });

  it('keeps real signatures valid after normalisation', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    let sawHigh = false;
    for (let i = 0; i < 24; i++) {
      const data = Buffer.from(`message ${i}`);
      const raw = sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      if (sOf(Uint8Array.from(raw).buffer) > N >> 1n) sawHigh = true;
      const low = Buffer.from(toLowS(Uint8Array.from(raw).buffer));
      expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, low)).toBe(true);
    }
    // 24 random signatures all low-S has probability 2^-24: the rewrite path really ran.
    expect(sawHigh).toBe(true);
  });
});

describe('randomSerial', () => {
  it('is 16 bytes, positive without padding, and unique', () => {
    const serials = new Set(Array.from({ length: 200 }, () => randomSerial()));
    expect(serials.size).toBe(200);
    for (const s of serials) {
      expect(s).toMatch(/^[0-9a-f]{32}$/);
      expect(parseInt(s.slice(0, 2), 16)).toBeGreaterThanOrEqual(0x40);
      expect(parseInt(s.slice(0, 2), 16)).toBeLessThan(0x80);
    }
  });
});

describe('importSigningKey', () => {
  it('rejects non-P-256 and unreadable keys with INVALID_ARGUMENT', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({
      format: 'pem',
      type: 'pkcs8',
    });
    await expect(importSigningKey(p384.toString(), 'k')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(importSigningKey('not a key', 'k')).rejects.toBeInstanceOf(LicenceError);
  });

  it('accepts a SEC1 P-256 key', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sec1 = privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    const key = await importSigningKey(sec1, 'k');
    expect(key.algorithm.name).toBe('ECDSA');
    expect(createPublicKey(privateKey).asymmetricKeyType).toBe('ec');
  });
});
