import { randomBytes } from 'node:crypto';
import type { LicenceError } from '@licence-ledger/domain';
import { holderRef } from './holder-ref';
import { HOLDER_REF_PATTERN } from './principal';

const secret = randomBytes(32);
// A valid GB 11643 number (check character X).
const ID = '11010519491231002X';

describe('holderRef', () => {
  it('is a 43-character base64url HMAC, stable for the same secret and ID', () => {
    const ref = holderRef(secret, ID);
    expect(ref).toMatch(HOLDER_REF_PATTERN);
    expect(holderRef(secret, ID)).toBe(ref);
  });

  it('normalises before hashing: a lower-case x and surrounding spaces give the same ref', () => {
    expect(holderRef(secret, ' 11010519491231002x ')).toBe(holderRef(secret, ID));
  });

  it('depends on the secret', () => {
    expect(holderRef(randomBytes(32), ID)).not.toBe(holderRef(secret, ID));
  });

  it('refuses invalid citizen IDs and short secrets', () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
        return 'ok';
      } catch (err) {
        return (err as LicenceError).code;
      }
    };
    expect(codeOf(() => holderRef(secret, '110105194912310021'))).toBe('INVALID_CITIZEN_ID');
    expect(codeOf(() => holderRef(randomBytes(16), ID))).toBe('INVALID_ARGUMENT');
  });
});
