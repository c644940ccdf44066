import fc from 'fast-check';
import { thrownCode } from './errors';
import { buildLicenceId } from './identifiers';
import { sha256, sha256b64url } from './encoding';
import { MAX_ARGUMENT_BYTES, MAX_BATCH_SIZE, MAX_PAGE_SIZE } from './model';
import type { IssueRequest } from './model';
import {
  MAX_BOOKMARK_LENGTH,
  parseAgencyInput,
  parseBookmark,
  parseBootstrapInput,
  parseCompromiseInput,
  parseIsoTimeArg,
  parseIssueBatch,
  parseIssueRequest,
  parseKidArg,
  parseLicenceIdArg,
  parseLicenceTypeInput,
  parseMspIdArg,
  parsePageSize,
  parseProvinceCodeArg,
  parseRecognitionRuleInput,
  parseRotateKeyInput,
  parseSigningKeyInput,
  parseStatusChangeRequest,
  parseSuccessionRequest,
  parseTransferOutRequest,
  parseUsccArg,
} from './inputs';

const USCC = '11440000MB2C93756J';
const OTHER_USCC = '91350100M000100Y43';
const ID = buildLicenceId({ typeCode: 'DL01', issuerUscc: USCC, serial: '2026000001', version: 1 });
/** A well-formed key id: 16 bytes, base64url (what kidOfPublicKey produces). */
const KID = sha256('kid').subarray(0, 16).toString('base64url');
const DIGEST = sha256b64url('digest');
const PEM =
  '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ29tcGxldGVseUZha2U=\n-----END CERTIFICATE-----\n';
/** A string field with a pattern (a driving licence's 准驾车型), and one without. */
const CLASS_FIELD = {
  name: 'class',
  type: 'string',
  required: true,
  personal: false,
  maxLength: 16,
  pattern: '(A1|A2|A3|B1|B2|C1|C2|C3|C4|C5|C6|D|E|F|M|N|P)+',
};
const FREE_FIELD = { name: 'note', type: 'string', required: false, personal: false };

function request(overrides: Partial<Record<keyof IssueRequest, unknown>> = {}): Record<string, unknown> {
  return {
    id: ID,
    typeCode: 'DL01',
    issuerUscc: USCC,
    kid: KID,
    commitment: {
      alg: 'sha256-salted-v1',
      digests: { name: sha256b64url('a'), class: sha256b64url('b') },
      root: sha256b64url('r'),
    },
    signature: 'A'.repeat(86),
    validFrom: '2026-01-01',
    validUntil: '2032-01-01',
    ...overrides,
  };
}

const json = (value: unknown): string => JSON.stringify(value);

describe('parseIssueRequest', () => {
  it('returns the typed request for a valid document', () => {
    const parsed = parseIssueRequest(json(request()));
    expect(parsed).toEqual(request());
  });

  it('accepts an open-ended validity (validUntil null)', () => {
    expect(parseIssueRequest(json(request({ validUntil: null }))).validUntil).toBeNull();
  });

  it('refuses any unknown property', () => {
    const known = new Set(Object.keys(request()));
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !known.has(k) && k !== '__proto__'),
        (extra) =>
          thrownCode(() => parseIssueRequest(json({ ...request(), [extra]: 1 }))) === 'SCHEMA_VIOLATION',
      ),
    );
  });

  it.each(Object.keys(request()))('refuses a request without %s', (field) => {
    const body = request();
    delete body[field];
    expect(thrownCode(() => parseIssueRequest(json(body)))).toBe('SCHEMA_VIOLATION');
  });

  it.each([
    ['malformed JSON', '{"id":', 'MALFORMED_JSON'],
    ['duplicate member', `{"id":"a","id":"b"}`, 'MALFORMED_JSON'],
    ['an array', '[]', 'SCHEMA_VIOLATION'],
    ['a string', '"x"', 'SCHEMA_VIOLATION'],
  ])('refuses %s', (_what, text, code) => {
    expect(thrownCode(() => parseIssueRequest(text))).toBe(code);
  });

  it('refuses input larger than MAX_ARGUMENT_BYTES before parsing it', () => {
    const big = json({ ...request(), pad: 'x'.repeat(MAX_ARGUMENT_BYTES) });
    expect(thrownCode(() => parseIssueRequest(big))).toBe('PAYLOAD_TOO_LARGE');
  });

  it.each([
    [
      'a bad identifier check character',
      { id: `${ID.slice(0, -1)}${ID.endsWith('A') ? 'B' : 'A'}` },
      'INVALID_IDENTIFIER',
    ],
    ['an identifier with another prefix', { id: ID.replace('1.2.156', '1.2.157') }, 'INVALID_IDENTIFIER'],
    ['a bad USCC check character', { issuerUscc: '11440000MB2C93756K' }, 'INVALID_USCC'],
    ['a short USCC', { issuerUscc: '1144' }, 'INVALID_USCC'],
    ['a lower-case type code', { typeCode: 'dl01' }, 'SCHEMA_VIOLATION'],
    ['a short kid', { kid: 'abc' }, 'SCHEMA_VIOLATION'],
    ['a full 43-character thumbprint as kid', { kid: sha256b64url('kid') }, 'SCHEMA_VIOLATION'],
    ['a non-canonical spelling of a kid', { kid: `${KID.slice(0, 21)}B` }, 'SCHEMA_VIOLATION'],
    ['a DER-length signature', { signature: 'A'.repeat(96) }, 'SCHEMA_VIOLATION'],
    ['an impossible date', { validFrom: '2026-02-30' }, 'SCHEMA_VIOLATION'],
    ['a date with time', { validFrom: '2026-02-01T00:00:00Z' }, 'SCHEMA_VIOLATION'],
    ['validUntil before validFrom', { validUntil: '2025-12-31' }, 'SCHEMA_VIOLATION'],
    [
      'another commitment algorithm',
      { commitment: { alg: 'md5', digests: { a: DIGEST }, root: DIGEST } },
      'SCHEMA_VIOLATION',
    ],
    [
      'an empty commitment',
      { commitment: { alg: 'sha256-salted-v1', digests: {}, root: DIGEST } },
      'SCHEMA_VIOLATION',
    ],
    [
      'a malformed digest',
      { commitment: { alg: 'sha256-salted-v1', digests: { a: 'x' }, root: DIGEST } },
      'SCHEMA_VIOLATION',
    ],
    [
      'an extra commitment member',
      { commitment: { alg: 'sha256-salted-v1', digests: { a: DIGEST }, root: DIGEST, salt: 'x' } },
      'SCHEMA_VIOLATION',
    ],
  ])('refuses %s', (_what, overrides, code) => {
    expect(thrownCode(() => parseIssueRequest(json(request(overrides))))).toBe(code);
  });

  it('throws only LicenceErrors, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const code = thrownCode(() => parseIssueRequest(json(value)));
        return code !== undefined && code !== 'INTERNAL';
      }),
    );
  });

  it('accepts every well-formed request built from valid parts', () => {
    const upper = fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRTUWXY'.split(''));
    fc.assert(
      fc.property(
        fc.string({ unit: upper, minLength: 1, maxLength: 32 }),
        fc.string({ unit: upper, minLength: 1, maxLength: 32 }),
        fc.integer({ min: 1, max: 999 }),
        fc.uniqueArray(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,20}$/), { minLength: 1, maxLength: 10 }),
        (typeCode, serial, version, fields) => {
          const id = buildLicenceId({ typeCode, issuerUscc: OTHER_USCC, serial, version });
          const digests = Object.fromEntries(fields.map((f) => [f, sha256b64url(f)]));
          const body = request({
            id,
            typeCode,
            issuerUscc: OTHER_USCC,
            commitment: { alg: 'sha256-salted-v1', digests, root: DIGEST },
          });
          expect(parseIssueRequest(json(body))).toEqual(body);
        },
      ),
    );
  });
});

describe('parseIssueBatch', () => {
  it('parses a batch', () => {
    const second = buildLicenceId({ typeCode: 'DL01', issuerUscc: USCC, serial: '2026000002', version: 1 });
    expect(parseIssueBatch(json([request(), request({ id: second })])).map((r) => r.id)).toEqual([
      ID,
      second,
    ]);
  });

  it.each([
    ['an empty batch', []],
    ['a batch larger than MAX_BATCH_SIZE', Array.from({ length: MAX_BATCH_SIZE + 1 }, () => request())],
    ['a repeated identifier', [request(), request()]],
    ['an object instead of an array', request()],
  ])('refuses %s', (_what, body) => {
    expect(thrownCode(() => parseIssueBatch(json(body)))).toBe('SCHEMA_VIOLATION');
  });
});

describe('parseStatusChangeRequest', () => {
  const change = (o: Record<string, unknown> = {}) =>
    json({ id: ID, action: 'suspend', reasonCode: 'TRAFFIC_OFFENCE', reasonText: '', ...o });

  it('parses a status change', () => {
    expect(parseStatusChangeRequest(change())).toEqual({
      id: ID,
      action: 'suspend',
      reasonCode: 'TRAFFIC_OFFENCE',
      reasonText: '',
    });
  });

  it.each([
    ['an unknown action', { action: 'destroy' }],
    ['status 99 without text', { action: 'other', reasonText: '' }],
    ['status 99 with blank text', { action: 'other', reasonText: '   ' }],
    ['a lower-case reason code', { reasonCode: 'speeding' }],
    ['a citizen ID in the reason text', { reasonText: '持证人 11010519491231002X 违章' }],
    ['a mobile number in the reason text', { reasonText: '联系 13812345678' }],
    ['control characters in the reason text', { reasonText: 'a\u0000b' }],
    ['overlong reason text', { reasonText: 'x'.repeat(501) }],
  ])('refuses %s', (_what, o) => {
    expect(thrownCode(() => parseStatusChangeRequest(change(o)))).toBe('SCHEMA_VIOLATION');
  });

  it('refuses any 18-digit ID-shaped number in free text', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{17}[0-9X]$/), fc.string({ maxLength: 10 }), (idLike, prefix) => {
        const text = `${prefix.replace(/[0-9]/g, '')} ${idLike}`;
        return (
          thrownCode(() => parseStatusChangeRequest(change({ reasonText: text }))) === 'SCHEMA_VIOLATION'
        );
      }),
    );
  });
});

describe('registry inputs', () => {
  const province = (o: Record<string, unknown> = {}) => ({
    code: '440000',
    mspId: 'GuangdongMSP',
    name: '广东省',
    signingCaPem: PEM,
    ...o,
  });
  const type = (o: Record<string, unknown> = {}) => ({
    code: 'DL01',
    name: '机动车驾驶证',
    holderKind: 'person',
    fields: [{ name: 'holderName', type: 'string', required: true, personal: true, maxLength: 50 }],
    nationallyRecognised: true,
    ...o,
  });

  it('parses a bootstrap with a catalogue, and without one', () => {
    const parsed = parseBootstrapInput(
      json({ provinces: [province()], recognitionNoticeSeconds: 86400, licenceTypes: [type()] }),
    );
    expect(parsed.provinces[0]?.mspId).toBe('GuangdongMSP');
    expect(parsed.licenceTypes.map((t) => t.code)).toEqual(['DL01']);
    expect(
      parseBootstrapInput(json({ provinces: [province()], recognitionNoticeSeconds: 0 })).licenceTypes,
    ).toEqual([]);
  });

  it.each([
    ['no provinces', { provinces: [], recognitionNoticeSeconds: 1 }, 'SCHEMA_VIOLATION'],
    [
      'a repeated MSP',
      { provinces: [province(), province({ code: '330000' })], recognitionNoticeSeconds: 1 },
      'SCHEMA_VIOLATION',
    ],
    [
      'a repeated province code',
      { provinces: [province(), province({ mspId: 'X' })], recognitionNoticeSeconds: 1 },
      'SCHEMA_VIOLATION',
    ],
    [
      'a city code',
      { provinces: [province({ code: '440100' })], recognitionNoticeSeconds: 1 },
      'INVALID_PROVINCE_CODE',
    ],
    ['a negative notice', { provinces: [province()], recognitionNoticeSeconds: -1 }, 'SCHEMA_VIOLATION'],
    ['a fractional notice', { provinces: [province()], recognitionNoticeSeconds: 1.5 }, 'SCHEMA_VIOLATION'],
    [
      'a CA that is not PEM',
      { provinces: [province({ signingCaPem: 'hello' })], recognitionNoticeSeconds: 1 },
      'SCHEMA_VIOLATION',
    ],
  ])('refuses a bootstrap with %s', (_what, body, code) => {
    expect(thrownCode(() => parseBootstrapInput(json(body)))).toBe(code);
  });

  it.each([
    ['a bad holder kind', { holderKind: 'robot' }],
    ['a repeated field name', { fields: [type().fields[0], type().fields[0]] }],
    [
      'an invalid field pattern',
      { fields: [{ name: 'a', type: 'string', required: true, personal: false, pattern: '(' }] },
    ],
    ['an unknown field type', { fields: [{ name: 'a', type: 'blob', required: true, personal: false }] }],
    ['an example the pattern refuses', { fields: [{ ...CLASS_FIELD, examples: ['C1', 'Z9'] }] }],
    ['an example longer than the field', { fields: [{ ...CLASS_FIELD, maxLength: 2, examples: ['C1E'] }] }],
    ['a repeated example', { fields: [{ ...CLASS_FIELD, examples: ['C1', 'C1'] }] }],
    ['an empty list of examples', { fields: [{ ...CLASS_FIELD, examples: [] }] }],
    ['six examples', { fields: [{ ...CLASS_FIELD, examples: ['A1', 'A2', 'A3', 'B1', 'B2', 'C1'] }] }],
    [
      'an example shaped like a citizen ID',
      { fields: [{ ...FREE_FIELD, examples: ['44010619900307108X'] }] },
    ],
    [
      'examples of a date field',
      { fields: [{ name: 'a', type: 'date', required: true, personal: false, examples: ['2024-01-01'] }] },
    ],
    [
      'an unknown field property',
      { fields: [{ name: 'a', type: 'string', required: true, personal: false, x: 1 }] },
    ],
  ])('refuses a licence type with %s', (_what, o) => {
    expect(thrownCode(() => parseLicenceTypeInput(json(type(o))))).toBe('SCHEMA_VIOLATION');
  });

  it('keeps the examples of a string field, each a value the field accepts', () => {
    const parsed = parseLicenceTypeInput(
      json(type({ fields: [{ ...CLASS_FIELD, examples: ['C1', 'C1E', 'A2D'] }] })),
    );
    expect(parsed.fields[0]?.examples).toEqual(['C1', 'C1E', 'A2D']);
    expect(parseLicenceTypeInput(json(type({ fields: [CLASS_FIELD] }))).fields[0]).not.toHaveProperty(
      'examples',
    );
  });

  it('parses agencies with sorted types and refuses bad ones', () => {
    expect(
      parseAgencyInput(json({ uscc: USCC, name: '省公安厅交通管理局', licenceTypes: ['FP01', 'DL01'] }))
        .licenceTypes,
    ).toEqual(['DL01', 'FP01']);
    expect(thrownCode(() => parseAgencyInput(json({ uscc: 'bad', name: 'x', licenceTypes: ['DL01'] })))).toBe(
      'INVALID_USCC',
    );
    expect(thrownCode(() => parseAgencyInput(json({ uscc: USCC, name: ' x', licenceTypes: ['DL01'] })))).toBe(
      'SCHEMA_VIOLATION',
    );
    expect(thrownCode(() => parseAgencyInput(json({ uscc: USCC, name: 'x', licenceTypes: [] })))).toBe(
      'SCHEMA_VIOLATION',
    );
    expect(
      thrownCode(() => parseAgencyInput(json({ uscc: USCC, name: 'x', licenceTypes: ['A', 'A'] }))),
    ).toBe('SCHEMA_VIOLATION');
  });

  it('parses key inputs', () => {
    expect(parseSigningKeyInput(json({ agencyUscc: USCC, certificatePem: PEM })).agencyUscc).toBe(USCC);
    expect(parseRotateKeyInput(json({ oldKid: KID, certificatePem: PEM })).oldKid).toBe(KID);
    expect(
      parseCompromiseInput(json({ kid: KID, compromisedAt: '2026-01-01T00:00:00.000Z' })).compromisedAt,
    ).toBe('2026-01-01T00:00:00.000Z');
    expect(
      thrownCode(() => parseCompromiseInput(json({ kid: KID, compromisedAt: '2026-01-01T00:00:00Z' }))),
    ).toBe('SCHEMA_VIOLATION');
    expect(
      thrownCode(() => parseCompromiseInput(json({ kid: KID, compromisedAt: '2026-13-01T00:00:00.000Z' }))),
    ).toBe('SCHEMA_VIOLATION');
    expect(
      thrownCode(() => parseSigningKeyInput(json({ agencyUscc: USCC, certificatePem: 'x'.repeat(20_000) }))),
    ).toBe('SCHEMA_VIOLATION');
  });

  it('parses recognition rules and sorts issuing provinces', () => {
    const rule = parseRecognitionRuleInput(
      json({
        typeCode: 'DL01',
        issuingMsps: ['ZhejiangMSP', 'BeijingMSP'],
        effectiveFrom: '2026-01-01T00:00:00.000Z',
      }),
    );
    expect(rule.issuingMsps).toEqual(['BeijingMSP', 'ZhejiangMSP']);
    expect(rule.effectiveTo).toBeUndefined();
  });

  it.each([
    ['* with others', { issuingMsps: ['*', 'BeijingMSP'] }],
    ['no issuing provinces', { issuingMsps: [] }],
    ['an end before the start', { effectiveTo: '2025-01-01T00:00:00.000Z' }],
    ['an end equal to the start', { effectiveTo: '2026-01-01T00:00:00.000Z' }],
    ['personal data in the note', { note: '13912345678' }],
  ])('refuses a recognition rule with %s', (_what, o) => {
    const body = { typeCode: 'DL01', issuingMsps: ['*'], effectiveFrom: '2026-01-01T00:00:00.000Z', ...o };
    expect(thrownCode(() => parseRecognitionRuleInput(json(body)))).toBe('SCHEMA_VIOLATION');
  });
});

describe('succession and transfer inputs', () => {
  it('parses a succession request and checks the nested licence', () => {
    expect(parseSuccessionRequest(json({ predecessorId: ID, licence: request() })).predecessorId).toBe(ID);
    expect(
      thrownCode(() => parseSuccessionRequest(json({ predecessorId: ID, licence: { ...request(), x: 1 } }))),
    ).toBe('SCHEMA_VIOLATION');
    expect(thrownCode(() => parseSuccessionRequest(json({ predecessorId: 'x', licence: request() })))).toBe(
      'INVALID_IDENTIFIER',
    );
  });

  it('parses a transfer-out request', () => {
    const body = { id: ID, toMsp: 'ZhejiangMSP', reasonCode: 'HOLDER_MOVED', reasonText: '' };
    expect(parseTransferOutRequest(json(body))).toEqual(body);
    expect(thrownCode(() => parseTransferOutRequest(json({ ...body, toMsp: 'Zhe jiang' })))).toBe(
      'SCHEMA_VIOLATION',
    );
  });
});

describe('plain arguments', () => {
  it('clamps page sizes to MAX_PAGE_SIZE', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999_999 }),
        (n) => parsePageSize(String(n)) === Math.min(n, MAX_PAGE_SIZE),
      ),
    );
  });

  it.each(['0', '-1', '1.5', '', 'ten', '01', '1e3'])('refuses page size %p', (value) => {
    expect(thrownCode(() => parsePageSize(value))).toBe('INVALID_ARGUMENT');
  });

  it('bounds bookmarks', () => {
    expect(parseBookmark('')).toBe('');
    expect(thrownCode(() => parseBookmark('x'.repeat(MAX_BOOKMARK_LENGTH + 1)))).toBe('INVALID_ARGUMENT');
  });

  it('reports format errors in plain arguments as INVALID_ARGUMENT', () => {
    expect(thrownCode(() => parseKidArg('short'))).toBe('INVALID_ARGUMENT');
    expect(thrownCode(() => parseKidArg(sha256b64url('kid')))).toBe('INVALID_ARGUMENT');
    expect(parseKidArg(KID)).toBe(KID);
    expect(thrownCode(() => parseMspIdArg('has space'))).toBe('INVALID_ARGUMENT');
    expect(thrownCode(() => parseIsoTimeArg('yesterday'))).toBe('INVALID_ARGUMENT');
    expect(thrownCode(() => parseUsccArg('91350100M000100Y44'))).toBe('INVALID_USCC');
    expect(thrownCode(() => parseLicenceIdArg('1.2.3'))).toBe('INVALID_IDENTIFIER');
    expect(thrownCode(() => parseProvinceCodeArg('999999'))).toBe('INVALID_PROVINCE_CODE');
    expect(parseLicenceIdArg(ID)).toBe(ID);
    expect(parseUsccArg(OTHER_USCC)).toBe(OTHER_USCC);
  });
});
