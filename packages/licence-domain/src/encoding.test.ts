import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { b64urlDecode, b64urlEncode, sha256, sha256b64url } from './encoding';
import { thrownCode } from './errors';

describe('base64url', () => {
  it('matches the RFC 4648 test vectors (section 10, unpadded)', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      expect(b64urlEncode(Buffer.from(plain, 'latin1'))).toBe(encoded);
      expect(b64urlDecode(encoded).toString('latin1')).toBe(plain);
    }
  });

  it('uses the URL-safe alphabet', () => {
    expect(b64urlEncode(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('-_-_');
    expect([...b64urlDecode('-_-_')]).toEqual([0xfb, 0xff, 0xbf]);
  });

  it('encodes a view into a larger buffer without leaking the rest of it', () => {
    const backing = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(b64urlEncode(backing.subarray(2, 4))).toBe(Buffer.from([3, 4]).toString('base64url'));
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = b64urlEncode(bytes);
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(Buffer.compare(b64urlDecode(text), Buffer.from(bytes))).toBe(0);
      }),
    );
  });

  it.each([
    ['padding', 'Zg=='],
    ['standard alphabet +', 'ab+c'],
    ['standard alphabet /', 'ab/c'],
    ['whitespace', 'Zm9v Yg'],
    ['newline', 'Zm9v\nYg'],
    ['impossible length', 'Zm9vY'],
    ['non-canonical trailing bits', 'Zh'],
    ['non-canonical trailing bits (two bytes)', 'Zm9'],
    ['non-ASCII', 'Zm9vé'],
  ])('rejects %s with INVALID_ARGUMENT', (_name, text) => {
    expect(thrownCode(() => b64urlDecode(text))).toBe('INVALID_ARGUMENT');
  });

  it('rejects a non-string', () => {
    expect(thrownCode(() => b64urlDecode(42 as unknown as string))).toBe('INVALID_ARGUMENT');
  });

  it('accepts exactly one text form per byte string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(63), (bytes, at, sym) => {
        const text = b64urlEncode(bytes);
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const i = at % text.length;
        const replacement = alphabet.charAt(sym);
        fc.pre(replacement !== text.charAt(i));
        const tampered = text.slice(0, i) + replacement + text.slice(i + 1);
        // Either the tampered text is refused, or it decodes to different bytes.
        let decoded: Buffer | undefined;
        try {
          decoded = b64urlDecode(tampered);
        } catch {
          decoded = undefined;
        }
        if (decoded !== undefined) expect(Buffer.compare(decoded, Buffer.from(bytes))).not.toBe(0);
      }),
    );
  });
});

describe('sha256', () => {
  it('matches the FIPS 180-2 "abc" and empty-string vectors', () => {
    expect(sha256('abc').toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256('').toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('hashes strings as UTF-8', () => {
    expect(sha256('证照').equals(sha256(Buffer.from('证照', 'utf8')))).toBe(true);
    expect(
      sha256('证照').equals(
        createHash('sha256')
          .update(Buffer.from([0xe8, 0xaf, 0x81, 0xe7, 0x85, 0xa7]))
          .digest(),
      ),
    ).toBe(true);
  });

  it('gives the base64url form of the same digest', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(sha256b64url(s)).toBe(sha256(s).toString('base64url'));
        expect(sha256b64url(s)).toHaveLength(43);
      }),
    );
    expect(sha256b64url('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});
