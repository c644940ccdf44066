/**
 * Strict parsers for chaincode transaction arguments. Every transaction argument is an untrusted
 * string; these turn it into a typed value or throw a LicenceError. Unknown properties are refused,
 * sizes are bounded and every field is validated, so the chaincode never acts on a half-checked value.
 */
import { LicenceError, fail } from './errors';
import { parseJsonStrict } from './canonical-json';
import { validateUscc } from './uscc';
import { validateProvinceCode } from './province-code';
import { parseLicenceId } from './identifiers';
import { KID_PATTERN } from './signature';
import { isStatusAction } from './status';
import type { StatusAction } from './status';
import { MAX_ARGUMENT_BYTES, MAX_BATCH_SIZE, MAX_PAGE_SIZE } from './model';
import type {
  Commitment,
  FieldSpec,
  FieldType,
  IsoDate,
  IsoTime,
  IssueRequest,
  LicenceTypeInput,
  ProvinceInput,
  RecognitionRuleInput,
  StatusChangeRequest,
} from './model';

// ---------------------------------------------------------------- input shapes not in the model

/** Bootstrap argument: the founding provinces, the notice period and an optional initial catalogue. */
export interface BootstrapInput {
  readonly provinces: readonly ProvinceInput[];
  readonly recognitionNoticeSeconds: number;
  readonly licenceTypes: readonly LicenceTypeInput[];
}

/** RegisterAgency argument. */
export interface AgencyInput {
  readonly uscc: string;
  readonly name: string;
  readonly licenceTypes: readonly string[];
}

/** RegisterSigningKey argument. */
export interface SigningKeyInput {
  readonly agencyUscc: string;
  readonly certificatePem: string;
}

/** RotateSigningKey argument. */
export interface RotateKeyInput {
  readonly oldKid: string;
  readonly certificatePem: string;
}

/** MarkKeyCompromised argument. */
export interface CompromiseInput {
  readonly kid: string;
  readonly compromisedAt: IsoTime;
}

/** RenewLicence / AmendLicence / AcceptTransfer argument: the successor and what it replaces. */
export interface SuccessionRequest {
  readonly predecessorId: string;
  readonly licence: IssueRequest;
}

/** TransferOut argument. */
export interface TransferOutRequest {
  readonly id: string;
  readonly toMsp: string;
  readonly reasonCode: string;
  readonly reasonText: string;
}

// ---------------------------------------------------------------- bounds and patterns

/** Longest free text (names, reason text, notes), in characters. */
export const MAX_TEXT_LENGTH = 500;
/** Longest PEM certificate accepted, in characters. */
export const MAX_PEM_LENGTH = 16 * 1024;
/** Most fields a licence commitment or type schema may have. */
export const MAX_FIELDS = 64;
/** Most provinces a bootstrap, or a recognition rule, may list. */
export const MAX_PROVINCES = 64;
/** Most licence types a bootstrap catalogue or an agency may list. */
export const MAX_TYPES = 256;
/** Longest pagination bookmark accepted. */
export const MAX_BOOKMARK_LENGTH = 1024;
/** Largest notice period for recognition rules (one year), in seconds. */
export const MAX_NOTICE_SECONDS = 366 * 24 * 3600;
/** Most sample values a licence field may list, and the longest one. */
export const MAX_FIELD_EXAMPLES = 5;
export const MAX_EXAMPLE_LENGTH = 100;

const MSP_ID = /^[A-Za-z][A-Za-z0-9.-]{0,63}$/;
const TYPE_CODE = /^[0-9A-Z]{1,32}$/;
const B64URL_SHA256 = /^[A-Za-z0-9_-]{43}$/;
const B64URL_P1363_SIG = /^[A-Za-z0-9_-]{86}$/;
const REASON_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const PAGE_SIZE = /^[1-9][0-9]{0,5}$/;
const PROPOSAL_ID = /^[0-9A-Za-z_-]{1,128}$/;
const PEM_CERT = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\r?\n?$/;
// Free text must never carry personal data: refuse anything shaped like a citizen ID or a mobile number.
const CITIZEN_ID_SHAPE = /(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])/;
const MOBILE_SHAPE = /(?<![0-9])1[3-9][0-9]{9}(?![0-9])/;
const FIELD_TYPES: readonly FieldType[] = ['string', 'date', 'integer', 'boolean'];

// ---------------------------------------------------------------- readers

type Json = Readonly<Record<string, unknown>>;

/** Parses a JSON transaction argument, bounded by MAX_ARGUMENT_BYTES. */
export function parseJsonArgument(text: string): unknown {
  return parseJsonStrict(text, MAX_ARGUMENT_BYTES);
}

/** Checks that `value` is an object holding only `allowed` keys and every key of `required`. */
function object(
  value: unknown,
  path: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('SCHEMA_VIOLATION', `${path} must be an object`, { path });
  }
  const record = value as Json;
  for (const key of Object.keys(record).sort()) {
    if (!required.includes(key) && !optional.includes(key)) {
      fail('SCHEMA_VIOLATION', `${path} has an unknown property '${key}'`, { path, property: key });
    }
  }
  for (const key of required) {
    if (!(key in record) || record[key] === undefined) {
      fail('SCHEMA_VIOLATION', `${path}.${key} is required`, { path: `${path}.${key}` });
    }
  }
  return record;
}

function array(value: unknown, path: string, min: number, max: number): readonly unknown[] {
  if (!Array.isArray(value)) fail('SCHEMA_VIOLATION', `${path} must be an array`, { path });
  if (value.length < min || value.length > max) {
    fail('SCHEMA_VIOLATION', `${path} must have between ${min} and ${max} items`, { path, min, max });
  }
  return value as readonly unknown[];
}

function str(value: unknown, path: string, pattern?: RegExp, maxLength = MAX_TEXT_LENGTH): string {
  if (typeof value !== 'string') fail('SCHEMA_VIOLATION', `${path} must be a string`, { path });
  if (value.length > maxLength) fail('SCHEMA_VIOLATION', `${path} is longer than ${maxLength}`, { path });
  if (pattern !== undefined && !pattern.test(value)) {
    fail('SCHEMA_VIOLATION', `${path} has an invalid format`, { path });
  }
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail('SCHEMA_VIOLATION', `${path} must be a boolean`, { path });
  return value;
}

function int(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail('SCHEMA_VIOLATION', `${path} must be an integer between ${min} and ${max}`, { path, min, max });
  }
  return value;
}

function unique(values: readonly string[], path: string): void {
  if (new Set(values).size !== values.length) fail('SCHEMA_VIOLATION', `${path} has duplicates`, { path });
}

/** Free text that is stored on chain: bounded, printable, and not shaped like personal data. */
function text(value: unknown, path: string, minLength = 0): string {
  const s = str(value, path);
  if (s.length < minLength) fail('SCHEMA_VIOLATION', `${path} must not be empty`, { path });
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) fail('SCHEMA_VIOLATION', `${path} has control characters`, { path });
  if (CITIZEN_ID_SHAPE.test(s) || MOBILE_SHAPE.test(s)) {
    fail('SCHEMA_VIOLATION', `${path} looks like it holds personal data, which never goes on the ledger`, {
      path,
    });
  }
  return s;
}

function name(value: unknown, path: string): string {
  const s = text(value, path, 1);
  if (s.length > 200 || s.trim() !== s) fail('SCHEMA_VIOLATION', `${path} is not a valid name`, { path });
  return s;
}

function uscc(value: unknown, path: string): string {
  // Length and characters are validateUscc's to judge, so a bad USCC is always INVALID_USCC.
  return validateUscc(str(value, path, undefined, MAX_TEXT_LENGTH));
}

function provinceCode(value: unknown, path: string): string {
  return validateProvinceCode(str(value, path, undefined, MAX_TEXT_LENGTH));
}

function mspId(value: unknown, path: string): string {
  return str(value, path, MSP_ID, 64);
}

function typeCode(value: unknown, path: string): string {
  return str(value, path, TYPE_CODE, 32);
}

function kid(value: unknown, path: string): string {
  return str(value, path, KID_PATTERN, 22);
}

function pem(value: unknown, path: string): string {
  return str(value, path, PEM_CERT, MAX_PEM_LENGTH);
}

/** An ISO-8601 UTC instant with milliseconds that names a real calendar time. */
function isoTime(value: unknown, path: string): IsoTime {
  const s = str(value, path, ISO_TIME, 24);
  const ms = Date.parse(s);
  if (!Number.isFinite(ms) || new Date(ms).toISOString() !== s) {
    fail('SCHEMA_VIOLATION', `${path} is not a valid time`, { path });
  }
  return s;
}

/** A YYYY-MM-DD calendar date that exists. */
function isoDate(value: unknown, path: string): IsoDate {
  const s = str(value, path, ISO_DATE, 10);
  const ms = Date.parse(`${s}T00:00:00.000Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== s) {
    fail('SCHEMA_VIOLATION', `${path} is not a valid date`, { path });
  }
  return s;
}

function licenceId(value: unknown, path: string): string {
  const s = str(value, path, undefined, MAX_TEXT_LENGTH);
  parseLicenceId(s);
  return s;
}

// ---------------------------------------------------------------- structured inputs

function provinceInput(value: unknown, path: string): ProvinceInput {
  const o = object(value, path, ['code', 'mspId', 'name', 'signingCaPem']);
  return {
    code: provinceCode(o.code, `${path}.code`),
    mspId: mspId(o.mspId, `${path}.mspId`),
    name: name(o.name, `${path}.name`),
    signingCaPem: pem(o.signingCaPem, `${path}.signingCaPem`),
  };
}

function fieldSpec(value: unknown, path: string): FieldSpec {
  const o = object(
    value,
    path,
    ['name', 'type', 'required', 'personal'],
    ['maxLength', 'pattern', 'holderId', 'label', 'examples'],
  );
  const type = str(o.type, `${path}.type`) as FieldType;
  if (!FIELD_TYPES.includes(type)) fail('SCHEMA_VIOLATION', `${path}.type is not a field type`, { path });
  const spec: { -readonly [K in keyof FieldSpec]: FieldSpec[K] } = {
    name: str(o.name, `${path}.name`, FIELD_NAME, 64),
    type,
    required: bool(o.required, `${path}.required`),
    personal: bool(o.personal, `${path}.personal`),
  };
  if (o.maxLength !== undefined) spec.maxLength = int(o.maxLength, `${path}.maxLength`, 1, 10_000);
  if (o.pattern !== undefined) {
    const pattern = str(o.pattern, `${path}.pattern`, undefined, 256);
    try {
      new RegExp(pattern, 'u');
    } catch {
      fail('SCHEMA_VIOLATION', `${path}.pattern is not a valid regular expression`, { path });
    }
    spec.pattern = pattern;
  }
  if (o.holderId !== undefined) spec.holderId = bool(o.holderId, `${path}.holderId`);
  if (o.label !== undefined) spec.label = name(o.label, `${path}.label`);
  if (o.examples !== undefined) spec.examples = examples(o.examples, `${path}.examples`, spec);
  return spec;
}

/** Sample values of a string field: each one a value the field itself accepts. */
function examples(value: unknown, path: string, spec: FieldSpec): readonly string[] {
  if (spec.type !== 'string') fail('SCHEMA_VIOLATION', `${path} is for string fields only`, { path });
  const anchored = spec.pattern === undefined ? undefined : new RegExp(`^(?:${spec.pattern})$`, 'u');
  const list = array(value, path, 1, MAX_FIELD_EXAMPLES).map((v, i) => {
    const example = text(v, `${path}[${i}]`, 1);
    if (example.length > Math.min(spec.maxLength ?? MAX_EXAMPLE_LENGTH, MAX_EXAMPLE_LENGTH)) {
      fail('SCHEMA_VIOLATION', `${path}[${i}] is longer than the field allows`, { path });
    }
    if (anchored !== undefined && !anchored.test(example)) {
      fail('SCHEMA_VIOLATION', `${path}[${i}] does not match the field's pattern`, { path });
    }
    return example;
  });
  unique(list, path);
  return list;
}

function licenceTypeInput(value: unknown, path: string): LicenceTypeInput {
  const o = object(value, path, ['code', 'name', 'holderKind', 'fields', 'nationallyRecognised']);
  const holderKind = str(o.holderKind, `${path}.holderKind`);
  if (holderKind !== 'person' && holderKind !== 'organisation') {
    fail('SCHEMA_VIOLATION', `${path}.holderKind must be 'person' or 'organisation'`, { path });
  }
  const fields = array(o.fields, `${path}.fields`, 1, MAX_FIELDS).map((f, i) =>
    fieldSpec(f, `${path}.fields[${i}]`),
  );
  unique(
    fields.map((f) => f.name),
    `${path}.fields`,
  );
  return {
    code: typeCode(o.code, `${path}.code`),
    name: name(o.name, `${path}.name`),
    holderKind,
    fields,
    nationallyRecognised: bool(o.nationallyRecognised, `${path}.nationallyRecognised`),
  };
}

function commitment(value: unknown, path: string): Commitment {
  const o = object(value, path, ['alg', 'digests', 'root']);
  if (o.alg !== 'sha256-salted-v1')
    fail('SCHEMA_VIOLATION', `${path}.alg must be 'sha256-salted-v1'`, { path });
  const digestsIn = o.digests;
  if (typeof digestsIn !== 'object' || digestsIn === null || Array.isArray(digestsIn)) {
    fail('SCHEMA_VIOLATION', `${path}.digests must be an object`, { path });
  }
  const names = Object.keys(digestsIn).sort();
  if (names.length < 1 || names.length > MAX_FIELDS) {
    fail('SCHEMA_VIOLATION', `${path}.digests must have between 1 and ${MAX_FIELDS} fields`, { path });
  }
  const digests: Record<string, string> = {};
  for (const field of names) {
    str(field, `${path}.digests key`, FIELD_NAME, 64);
    digests[field] = str((digestsIn as Json)[field], `${path}.digests.${field}`, B64URL_SHA256, 43);
  }
  return { alg: 'sha256-salted-v1', digests, root: str(o.root, `${path}.root`, B64URL_SHA256, 43) };
}

function issueRequest(value: unknown, path: string): IssueRequest {
  const o = object(value, path, [
    'id',
    'typeCode',
    'issuerUscc',
    'kid',
    'commitment',
    'signature',
    'validFrom',
    'validUntil',
  ]);
  const validFrom = isoDate(o.validFrom, `${path}.validFrom`);
  const validUntil = o.validUntil === null ? null : isoDate(o.validUntil, `${path}.validUntil`);
  if (validUntil !== null && validUntil < validFrom) {
    fail('SCHEMA_VIOLATION', `${path}.validUntil is before validFrom`, { path });
  }
  return {
    id: licenceId(o.id, `${path}.id`),
    typeCode: typeCode(o.typeCode, `${path}.typeCode`),
    issuerUscc: uscc(o.issuerUscc, `${path}.issuerUscc`),
    kid: kid(o.kid, `${path}.kid`),
    commitment: commitment(o.commitment, `${path}.commitment`),
    signature: str(o.signature, `${path}.signature`, B64URL_P1363_SIG, 86),
    validFrom,
    validUntil,
  };
}

function successionRequest(value: unknown, path: string): SuccessionRequest {
  const o = object(value, path, ['predecessorId', 'licence']);
  return {
    predecessorId: licenceId(o.predecessorId, `${path}.predecessorId`),
    licence: issueRequest(o.licence, `${path}.licence`),
  };
}

// ---------------------------------------------------------------- exported parsers, one per argument

/** Bootstrap: `{provinces, recognitionNoticeSeconds, licenceTypes?}`. */
export function parseBootstrapInput(json: string): BootstrapInput {
  const o = object(parseJsonArgument(json), '$', ['provinces', 'recognitionNoticeSeconds'], ['licenceTypes']);
  const provinces = array(o.provinces, '$.provinces', 1, MAX_PROVINCES).map((p, i) =>
    provinceInput(p, `$.provinces[${i}]`),
  );
  unique(
    provinces.map((p) => p.mspId),
    '$.provinces (mspId)',
  );
  unique(
    provinces.map((p) => p.code),
    '$.provinces (code)',
  );
  const licenceTypes =
    o.licenceTypes === undefined
      ? []
      : array(o.licenceTypes, '$.licenceTypes', 0, MAX_TYPES).map((t, i) =>
          licenceTypeInput(t, `$.licenceTypes[${i}]`),
        );
  unique(
    licenceTypes.map((t) => t.code),
    '$.licenceTypes (code)',
  );
  return {
    provinces,
    recognitionNoticeSeconds: int(
      o.recognitionNoticeSeconds,
      '$.recognitionNoticeSeconds',
      0,
      MAX_NOTICE_SECONDS,
    ),
    licenceTypes,
  };
}

/** ProposeProvince: a ProvinceInput. */
export function parseProvinceInput(json: string): ProvinceInput {
  return provinceInput(parseJsonArgument(json), '$');
}

/** ProposeLicenceType: a LicenceTypeInput. */
export function parseLicenceTypeInput(json: string): LicenceTypeInput {
  return licenceTypeInput(parseJsonArgument(json), '$');
}

/** RegisterAgency: `{uscc, name, licenceTypes}`. */
export function parseAgencyInput(json: string): AgencyInput {
  const o = object(parseJsonArgument(json), '$', ['uscc', 'name', 'licenceTypes']);
  const licenceTypes = array(o.licenceTypes, '$.licenceTypes', 1, MAX_TYPES).map((t, i) =>
    typeCode(t, `$.licenceTypes[${i}]`),
  );
  unique(licenceTypes, '$.licenceTypes');
  return {
    uscc: uscc(o.uscc, '$.uscc'),
    name: name(o.name, '$.name'),
    licenceTypes: [...licenceTypes].sort(),
  };
}

/** RegisterSigningKey: `{agencyUscc, certificatePem}`. */
export function parseSigningKeyInput(json: string): SigningKeyInput {
  const o = object(parseJsonArgument(json), '$', ['agencyUscc', 'certificatePem']);
  return {
    agencyUscc: uscc(o.agencyUscc, '$.agencyUscc'),
    certificatePem: pem(o.certificatePem, '$.certificatePem'),
  };
}

/** RotateSigningKey: `{oldKid, certificatePem}`. */
export function parseRotateKeyInput(json: string): RotateKeyInput {
  const o = object(parseJsonArgument(json), '$', ['oldKid', 'certificatePem']);
  return { oldKid: kid(o.oldKid, '$.oldKid'), certificatePem: pem(o.certificatePem, '$.certificatePem') };
}

/** MarkKeyCompromised: `{kid, compromisedAt}`. */
export function parseCompromiseInput(json: string): CompromiseInput {
  const o = object(parseJsonArgument(json), '$', ['kid', 'compromisedAt']);
  return { kid: kid(o.kid, '$.kid'), compromisedAt: isoTime(o.compromisedAt, '$.compromisedAt') };
}

/** PublishRecognitionRule: a RecognitionRuleInput. */
export function parseRecognitionRuleInput(json: string): RecognitionRuleInput {
  const o = object(
    parseJsonArgument(json),
    '$',
    ['typeCode', 'issuingMsps', 'effectiveFrom'],
    ['localEquivalentType', 'effectiveTo', 'note'],
  );
  const issuingMsps = array(o.issuingMsps, '$.issuingMsps', 1, MAX_PROVINCES).map((m, i) =>
    m === '*' ? '*' : mspId(m, `$.issuingMsps[${i}]`),
  );
  unique(issuingMsps, '$.issuingMsps');
  if (issuingMsps.includes('*') && issuingMsps.length > 1) {
    fail('SCHEMA_VIOLATION', "$.issuingMsps: '*' stands alone", { path: '$.issuingMsps' });
  }
  const effectiveFrom = isoTime(o.effectiveFrom, '$.effectiveFrom');
  const rule: { -readonly [K in keyof RecognitionRuleInput]: RecognitionRuleInput[K] } = {
    typeCode: typeCode(o.typeCode, '$.typeCode'),
    issuingMsps: [...issuingMsps].sort(),
    effectiveFrom,
  };
  if (o.localEquivalentType !== undefined) {
    rule.localEquivalentType = typeCode(o.localEquivalentType, '$.localEquivalentType');
  }
  if (o.effectiveTo !== undefined) {
    const effectiveTo = isoTime(o.effectiveTo, '$.effectiveTo');
    if (effectiveTo <= effectiveFrom) {
      fail('SCHEMA_VIOLATION', '$.effectiveTo must be after effectiveFrom', { path: '$.effectiveTo' });
    }
    rule.effectiveTo = effectiveTo;
  }
  if (o.note !== undefined) rule.note = text(o.note, '$.note');
  return rule;
}

/** IssueLicence: one IssueRequest. */
export function parseIssueRequest(json: string): IssueRequest {
  return issueRequest(parseJsonArgument(json), '$');
}

/** IssueLicenceBatch: 1…MAX_BATCH_SIZE IssueRequests with distinct ids. */
export function parseIssueBatch(json: string): readonly IssueRequest[] {
  const items = array(parseJsonArgument(json), '$', 1, MAX_BATCH_SIZE).map((r, i) =>
    issueRequest(r, `$[${i}]`),
  );
  unique(
    items.map((r) => r.id),
    '$ (id)',
  );
  return items;
}

/** ChangeStatus: `{id, action, reasonCode, reasonText}`; 'other' (status 99) needs reason text. */
export function parseStatusChangeRequest(json: string): StatusChangeRequest {
  const o = object(parseJsonArgument(json), '$', ['id', 'action', 'reasonCode', 'reasonText']);
  if (!isStatusAction(o.action))
    fail('SCHEMA_VIOLATION', '$.action is not a status action', { path: '$.action' });
  const action: StatusAction = o.action;
  const reasonText = text(o.reasonText, '$.reasonText', action === 'other' ? 1 : 0);
  if (action === 'other' && reasonText.trim() === '') {
    fail('SCHEMA_VIOLATION', 'status 99 (other) needs a reason text', { path: '$.reasonText' });
  }
  return {
    id: licenceId(o.id, '$.id'),
    action,
    reasonCode: str(o.reasonCode, '$.reasonCode', REASON_CODE, 64),
    reasonText,
  };
}

/** RenewLicence, AmendLicence, AcceptTransfer: `{predecessorId, licence}`. */
export function parseSuccessionRequest(json: string): SuccessionRequest {
  return successionRequest(parseJsonArgument(json), '$');
}

/** TransferOut: `{id, toMsp, reasonCode, reasonText}`. */
export function parseTransferOutRequest(json: string): TransferOutRequest {
  const o = object(parseJsonArgument(json), '$', ['id', 'toMsp', 'reasonCode', 'reasonText']);
  return {
    id: licenceId(o.id, '$.id'),
    toMsp: mspId(o.toMsp, '$.toMsp'),
    reasonCode: str(o.reasonCode, '$.reasonCode', REASON_CODE, 64),
    reasonText: text(o.reasonText, '$.reasonText'),
  };
}

// ---------------------------------------------------------------- plain string arguments

/** Plain string arguments are not JSON documents: a format error there is INVALID_ARGUMENT. */
function plain<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof LicenceError && error.code === 'SCHEMA_VIOLATION') {
      throw new LicenceError('INVALID_ARGUMENT', error.message, error.details);
    }
    throw error;
  }
}

/** A licence identifier argument (GB/T 36904, check character verified). */
export function parseLicenceIdArg(value: string): string {
  return plain(() => licenceId(value, 'id'));
}

/** A USCC argument (GB 32100 check character verified). */
export function parseUsccArg(value: string): string {
  return plain(() => uscc(value, 'uscc'));
}

/** An MSP ID argument. */
export function parseMspIdArg(value: string): string {
  return plain(() => mspId(value, 'mspId'));
}

/** A licence type code argument. */
export function parseTypeCodeArg(value: string): string {
  return plain(() => typeCode(value, 'typeCode'));
}

/** A key id argument (22 base64url characters, see KID_BYTES). */
export function parseKidArg(value: string): string {
  return plain(() => kid(value, 'kid'));
}

/** A proposal id argument (the proposing transaction's id). */
export function parseProposalIdArg(value: string): string {
  return plain(() => str(value, 'proposalId', PROPOSAL_ID, 128));
}

/** A GB/T 2260 province code argument. */
export function parseProvinceCodeArg(value: string): string {
  return plain(() => provinceCode(value, 'provinceCode'));
}

/** An ISO-8601 UTC time argument with milliseconds. */
export function parseIsoTimeArg(value: string): IsoTime {
  return plain(() => isoTime(value, 'at'));
}

/**
 * A page size argument: a positive decimal integer; anything larger than MAX_PAGE_SIZE is clamped,
 * so a caller can never make a list transaction scan without bound.
 */
export function parsePageSize(value: string): number {
  if (typeof value !== 'string' || !PAGE_SIZE.test(value)) {
    fail('INVALID_ARGUMENT', 'pageSize must be a positive integer', { path: 'pageSize' });
  }
  return Math.min(Number(value), MAX_PAGE_SIZE);
}

/** An opaque bookmark from a previous page ('' for the first page). */
export function parseBookmark(value: string): string {
  if (typeof value !== 'string' || value.length > MAX_BOOKMARK_LENGTH) {
    fail('INVALID_ARGUMENT', `bookmark must be a string of at most ${MAX_BOOKMARK_LENGTH} characters`, {
      path: 'bookmark',
    });
  }
  return value;
}
