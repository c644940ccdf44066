/**
 * Request body schemas (JSON Schema for ajv, also published in the OpenAPI document). Every object
 * is closed and every string and array bounded; values are checked again, semantically, by the
 * services and the chaincode.
 */
import { MAX_BATCH_SIZE } from '@licence-ledger/domain';

const TYPE_CODE = { type: 'string', minLength: 1, maxLength: 32, pattern: '^[0-9A-Z]{1,32}$' } as const;
const DATE = { type: 'string', maxLength: 10, pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' } as const;
const ISO_TIME = {
  type: 'string',
  maxLength: 24,
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$',
} as const;
const LICENCE_ID = { type: 'string', minLength: 1, maxLength: 128 } as const;
const USCC = { type: 'string', minLength: 18, maxLength: 18 } as const;
const MSP = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z][A-Za-z0-9.-]{0,63}$',
} as const;
const REASON_CODE = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Z][A-Z0-9_]{0,63}$',
} as const;
const REASON_TEXT = { type: 'string', maxLength: 500 } as const;
const FIELDS = {
  type: 'object',
  maxProperties: 64,
  propertyNames: { type: 'string', maxLength: 64 },
  additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: 1000 },
} as const;
const VALID_UNTIL = { anyOf: [DATE, { type: 'null' }] } as const;

/** POST /licences. */
export const IssueBody = {
  type: 'object',
  additionalProperties: false,
  required: ['typeCode', 'fields', 'validFrom', 'validUntil'],
  properties: { typeCode: TYPE_CODE, fields: FIELDS, validFrom: DATE, validUntil: VALID_UNTIL },
} as const;

/** POST /licences/batch. */
export const BatchBody = {
  type: 'object',
  additionalProperties: false,
  required: ['items'],
  properties: { items: { type: 'array', minItems: 1, maxItems: MAX_BATCH_SIZE, items: IssueBody } },
} as const;

/** POST /licences/{id}/status. */
export const StatusBody = {
  type: 'object',
  additionalProperties: false,
  required: ['action', 'reasonCode', 'reasonText'],
  properties: {
    action: { enum: ['suspend', 'reinstate', 'revoke', 'annul', 'cancel', 'other', 'expire'] },
    reasonCode: REASON_CODE,
    reasonText: REASON_TEXT,
  },
} as const;

/** POST /licences/{id}/renew. */
export const RenewBody = {
  type: 'object',
  additionalProperties: false,
  required: ['validFrom', 'validUntil'],
  properties: { validFrom: DATE, validUntil: VALID_UNTIL },
} as const;

/** POST /licences/{id}/amend. */
export const AmendBody = {
  type: 'object',
  additionalProperties: false,
  required: ['fields'],
  properties: { fields: FIELDS, validFrom: DATE, validUntil: VALID_UNTIL },
} as const;

/** POST /licences/{id}/transfer. */
export const TransferBody = {
  type: 'object',
  additionalProperties: false,
  required: ['toMsp', 'reasonCode', 'reasonText'],
  properties: { toMsp: MSP, reasonCode: REASON_CODE, reasonText: REASON_TEXT },
} as const;

/** POST /transfers/accept. */
export const AcceptTransferBody = {
  type: 'object',
  additionalProperties: false,
  required: ['predecessorId', 'typeCode', 'fields', 'validFrom', 'validUntil'],
  properties: {
    predecessorId: LICENCE_ID,
    typeCode: TYPE_CODE,
    fields: FIELDS,
    validFrom: DATE,
    validUntil: VALID_UNTIL,
  },
} as const;

/** POST /holder/licences/{id}/presentations. */
export const PresentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['disclose'],
  properties: {
    disclose: {
      type: 'array',
      maxItems: 64,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 64 },
    },
  },
} as const;

/** POST /verifications. */
export const VerifyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'purpose'],
  properties: {
    token: { type: 'string', maxLength: 8192 },
    purpose: { type: 'string', minLength: 2, maxLength: 200 },
  },
} as const;

/** POST /trail: a notification from another province's gateway. */
export const TrailBody = {
  type: 'object',
  additionalProperties: false,
  required: ['notification'],
  properties: {
    notification: { type: 'string', minLength: 1, maxLength: 4096 },
  },
} as const;

/** POST /admin/agencies. */
export const AgencyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['uscc', 'name', 'licenceTypes'],
  properties: {
    uscc: USCC,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    licenceTypes: { type: 'array', minItems: 1, maxItems: 256, items: TYPE_CODE },
  },
} as const;

/** POST /admin/keys. */
export const KeyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['agencyUscc'],
  properties: { agencyUscc: USCC },
} as const;

/** POST /admin/keys/{kid}/compromise. */
export const CompromiseBody = {
  type: 'object',
  additionalProperties: false,
  properties: { compromisedAt: ISO_TIME },
} as const;

const FIELD_SPEC = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type', 'required', 'personal'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 64 },
    type: { enum: ['string', 'date', 'integer', 'boolean'] },
    required: { type: 'boolean' },
    maxLength: { type: 'integer', minimum: 1, maximum: 10000 },
    pattern: { type: 'string', maxLength: 500 },
    personal: { type: 'boolean' },
    holderId: { type: 'boolean' },
    label: { type: 'string', maxLength: 100 },
    examples: {
      type: 'array',
      minItems: 1,
      maxItems: 5,
      uniqueItems: true,
      items: { type: 'string', minLength: 1, maxLength: 100 },
      description: 'values the field accepts, shown to people filling it in (string fields only)',
    },
  },
} as const;

/** POST /admin/licence-types (a proposal). */
export const LicenceTypeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name', 'holderKind', 'fields', 'nationallyRecognised'],
  properties: {
    code: TYPE_CODE,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    holderKind: { enum: ['person', 'organisation'] },
    fields: { type: 'array', minItems: 1, maxItems: 64, items: FIELD_SPEC },
    nationallyRecognised: { type: 'boolean' },
  },
} as const;

/** POST /admin/recognition-rules. */
export const RecognitionRuleBody = {
  type: 'object',
  additionalProperties: false,
  required: ['typeCode', 'issuingMsps', 'effectiveFrom'],
  properties: {
    typeCode: TYPE_CODE,
    issuingMsps: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: { type: 'string', minLength: 1, maxLength: 64 },
    },
    localEquivalentType: TYPE_CODE,
    effectiveFrom: ISO_TIME,
    effectiveTo: ISO_TIME,
    note: { type: 'string', maxLength: 500 },
  },
} as const;

/** POST /webhooks. */
export const WebhookBody = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'licenceIds'],
  properties: {
    url: { type: 'string', minLength: 1, maxLength: 2048 },
    licenceIds: { type: 'array', minItems: 1, maxItems: 1000, items: LICENCE_ID },
  },
} as const;

/** Every body schema by name, for the OpenAPI document. */
export const BODY_SCHEMAS = {
  IssueBody,
  BatchBody,
  StatusBody,
  RenewBody,
  AmendBody,
  TransferBody,
  AcceptTransferBody,
  PresentBody,
  VerifyBody,
  TrailBody,
  AgencyBody,
  KeyBody,
  CompromiseBody,
  LicenceTypeBody,
  RecognitionRuleBody,
  WebhookBody,
} as const;
