import { randomBytes } from 'node:crypto';
import { holderRef, holderRefOf, organisationHolderRef } from './holder-ref';
import { HOLDER_REF_PATTERN } from './principal';
import { thrownCode } from '@licence-ledger/domain';

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
    expect(thrownCode(() => holderRef(secret, '110105194912310021'))).toBe('INVALID_CITIZEN_ID');
    expect(thrownCode(() => holderRef(randomBytes(16), ID))).toBe('INVALID_ARGUMENT');
  });
});

describe('organisationHolderRef', () => {
  const USCC = '91350100M000100Y43';

  it('is a stable 43-character HMAC of the normalised USCC, distinct per secret', () => {
    const ref = organisationHolderRef(secret, USCC);
    expect(ref).toMatch(HOLDER_REF_PATTERN);
    expect(organisationHolderRef(secret, ` ${USCC.toLowerCase()} `)).toBe(ref);
    expect(organisationHolderRef(randomBytes(32), USCC)).not.toBe(ref);
  });

  it('refuses invalid USCCs and short secrets', () => {
    expect(thrownCode(() => organisationHolderRef(secret, '91350100M000100Y44'))).toBe('INVALID_USCC');
    expect(thrownCode(() => organisationHolderRef(randomBytes(8), USCC))).toBe('INVALID_ARGUMENT');
  });

  it('holderRefOf picks the identifier kind', () => {
    expect(holderRefOf(secret, 'person', ID)).toBe(holderRef(secret, ID));
    expect(holderRefOf(secret, 'organisation', USCC)).toBe(organisationHolderRef(secret, USCC));
    expect(thrownCode(() => holderRefOf(secret, 'person', USCC))).toBe('INVALID_CITIZEN_ID');
  });
});
