/**
 * Verification of presentation tokens against the verifier's own ledger copy. Each check either
 * passes or ends verification with a result code; any failure to read the ledger or the replay
 * store ends it with STATUS_UNAVAILABLE, so VALID is only ever the outcome of every check passing.
 */
import { KeyObject } from 'node:crypto';
import { compactVerify } from 'jose';
import {
  effectiveStatus,
  issuanceStatement,
  sha256b64url,
  verifyDisclosures,
  type LicenceRecord,
  type LicenceType,
  type Province,
  type SigningKey,
} from '@licence-ledger/domain';
import { PRESENTATION_ALG, RECEIPT_TYP, type DisclosedField } from '../presentation/format';
import { IssuerSignatureCache } from './issuer-signature';
import { KeyTrustCache } from './key-trust';
import type { VerifierDeps } from './ports';
import { effectiveRule } from '@licence-ledger/domain';
import { RegistryCache } from './registry-cache';
import {
  STATUS_RESULTS,
  type LedgerPoint,
  type LicenceSummary,
  type Recognition,
  type VerificationCode,
  type VerificationReason,
  type VerificationResult,
} from './result';
import { parseClaims, parseHeader } from './token';

/** A verification request as the HTTP layer passes it on (the token is untrusted). */
export interface VerificationRequest {
  readonly token: unknown;
  /** The verifier's declared purpose (申请事由); only its hash goes into the receipt. */
  readonly purpose?: string;
}

/**
 * A verification with every check done but the token id's one-time use: what the answer is when
 * the token is presented for the first time, and the token id to claim before that answer stands.
 */
export interface Assessment {
  /** The answer, without its receipt, when the token id is fresh (or when no claim is needed). */
  readonly draft: Omit<VerificationResult, 'receipt'>;
  /** The token id to claim, until the token's expiry; absent when the answer does not depend on it. */
  readonly claim?: { readonly jti: string; readonly expIso: string };
  /** The licence id the token names, once its signature verified (the receipt carries it). */
  readonly lid?: string;
  /** The declared purpose (the receipt carries its hash). */
  readonly purpose?: string;
}

/** How the claim of an assessment's token id came out. */
export type ClaimOutcome = 'fresh' | 'replayed' | 'unavailable';

/** Verifies presentation tokens. */
export interface Verifier {
  /** Never throws for any input: every outcome is a VerificationResult. Claims the token id through deps.replay. */
  verify(req: VerificationRequest): Promise<VerificationResult>;
  /**
   * Every check except the claim of the token id, with no write; for a caller that claims the id
   * together with other writes (the verification log) and then calls conclude(). Never throws.
   */
  assess(req: VerificationRequest): Promise<Assessment>;
  /**
   * The answer to an assessment once its claim is settled ('fresh' also when it had none): REPLAYED
   * for a token id claimed before, STATUS_UNAVAILABLE when the claim could not be made; signed.
   */
  conclude(assessment: Assessment, claim: ClaimOutcome): Promise<VerificationResult>;
}

/** Where verification stopped, and what may be shown at that point. */
interface Decision {
  readonly result: VerificationCode;
  readonly reason?: VerificationReason;
  readonly licence?: LicenceSummary;
  readonly disclosed?: Record<string, string | number | boolean>;
  readonly recognition?: Recognition;
}

/** What the checks learnt so far (kept when a later ledger read fails). */
interface Trail {
  ledger: LedgerPoint | null;
  lid?: string;
  /** The token id to claim once every other check has passed. */
  claim?: { jti: string; expIso: string };
}

const stop = (result: VerificationCode, code: string, text: string): Decision => ({
  result,
  reason: { code, text },
});

const REPLAYED = stop('REPLAYED', 'REPLAYED', 'this token has already been presented');
const LEDGER_UNAVAILABLE = stop(
  'STATUS_UNAVAILABLE',
  'LEDGER_UNAVAILABLE',
  'the ledger could not be read; try again',
);
const CLAIM_UNAVAILABLE = stop(
  'STATUS_UNAVAILABLE',
  'CLAIM_UNAVAILABLE',
  "the token's one-time use could not be recorded; try again",
);

/**
 * Builds a verifier over the province's own ledger copy and replay store. Registry data and licence
 * records come through `deps.registry` (see RegistryCache for how fresh each is); without one, the
 * licence record, and so its status, is read from the ledger on every verification.
 */
export function createVerifier(deps: VerifierDeps): Verifier {
  const registry = deps.registry ?? new RegistryCache(deps.ledger, { ttlMs: 0 });
  const trust = new KeyTrustCache();
  const signatures = new IssuerSignatureCache();
  const toleranceMs = deps.clockToleranceSeconds * 1000;

  /** Checks a key's stored certificate against its province's signing CA at `at`. */
  function checkKeyTrust(key: SigningKey, kid: string, province: Province, at: Date): Decision | KeyObject {
    const outcome = trust.check(key, kid, province.signingCaPem, at);
    if (outcome.ok) return outcome.key;
    return outcome.why === 'KEY_MISMATCH'
      ? stop('INVALID_SIGNATURE', 'KEY_MISMATCH', 'the registered certificate does not carry this key')
      : stop('INVALID_SIGNATURE', 'CERTIFICATE', "the key's certificate does not chain to its province CA");
  }

  async function decide(token: unknown, now: Date, trail: Trail): Promise<Decision> {
    const header = parseHeader(token);
    if (!header.ok) return stop('MALFORMED', 'TOKEN', header.why);
    const { kid } = header.value;
    const text = token as string;

    const [point, key] = await Promise.all([deps.ledger.chainInfo(), registry.signingKey(kid)]);
    trail.ledger = point;
    if (key === null) return stop('UNKNOWN_KEY', 'KEY_UNKNOWN', 'no such signing key on the ledger');
    // Read once: the issuance key, when another, must be of the same province (checked below).
    const province = await registry.province(key.provinceMsp);
    if (province === null)
      return stop('INVALID_SIGNATURE', 'PROVINCE_UNKNOWN', 'the key belongs to no known province');
    const trusted = checkKeyTrust(key, kid, province, now);
    if (!isKeyObject(trusted)) return trusted;

    let payload: Uint8Array;
    try {
      payload = (await compactVerify(text, trusted, { algorithms: [PRESENTATION_ALG] })).payload;
    } catch {
      return stop('INVALID_SIGNATURE', 'SIGNATURE', 'the token signature does not verify');
    }
    // The token's lid leaves out the issuer USCC: it is the signing key's agency, by construction.
    const parsed = parseClaims(payload, key.agencyUscc);
    if (!parsed.ok) return stop('MALFORMED', 'CLAIMS', parsed.why);
    const claims = parsed.value;
    trail.lid = claims.id;

    const iatMs = claims.iat * 1000;
    const keyState = tokenKeyState(key, iatMs);
    if (keyState !== undefined) return keyState;

    if (iatMs > now.getTime() + toleranceMs)
      return stop('MALFORMED', 'IAT_FUTURE', 'the token is issued in the future');
    if (claims.exp <= claims.iat)
      return stop('MALFORMED', 'EXP_BEFORE_IAT', 'the token expires before it is issued');
    if (claims.exp - claims.iat > deps.maxTokenTtlSeconds) {
      return stop('MALFORMED', 'TTL_TOO_LONG', 'the token lives longer than this verifier accepts');
    }
    // The tolerance above forgives a verifier clock running behind the issuer's; it never lengthens
    // a token's life. exp is the deadline the holder's wallet counts down to and the time the replay
    // store keeps the token id until, so a token is refused from exp on, here as there.
    if (claims.exp * 1000 <= now.getTime()) return stop('TOKEN_EXPIRED', 'EXPIRED', 'the token has expired');

    // The record, and so the status, is read from the ledger, or reused within the registry's
    // licence TTL unless an event changed it; the answer names the point it was read at.
    const [read, type] = await Promise.all([
      registry.licence(claims.id, point),
      registry.licenceType(claims.typeCode),
    ]);
    trail.ledger = read.point;
    const licence = read.record;
    if (licence === null) return stop('NOT_ON_LEDGER', 'NOT_FOUND', 'no such licence on the ledger');
    // Holds by construction of the id; kept as a defence should the key or licence record disagree.
    if (key.agencyUscc !== licence.issuerUscc || key.provinceMsp !== licence.issuerMsp) {
      return stop(
        'INVALID_SIGNATURE',
        'NOT_ISSUER_KEY',
        "the token is not signed by the licence's issuing agency",
      );
    }
    // The chaincode never records a licence of a type outside the catalogue: without the type the
    // disclosures cannot be checked, so the answer cannot be established.
    if (type === null) {
      return stop('STATUS_UNAVAILABLE', 'TYPE_UNKNOWN', "the licence's type is not in the ledger catalogue");
    }
    const named = namedDisclosures(type, claims.d);
    if (!Array.isArray(named)) return named;
    const mismatch = verifyDisclosures(licence.commitment, named).indexOf(false);
    if (mismatch >= 0) {
      const name = named[mismatch]?.name ?? '';
      return stop('FIELD_MISMATCH', 'FIELD', `disclosed field '${name}' does not match the ledger`);
    }
    const issuance = await checkIssuance(licence, kid, key, province);
    if (issuance !== undefined) return issuance;

    // Every answer from here on is for a token presented once: the caller claims its id (see
    // conclude), after every read, so a failed read leaves the token usable for a retry.
    trail.claim = { jti: claims.jti, expIso: new Date(claims.exp * 1000).toISOString() };

    const disclosed: Record<string, string | number | boolean> = {};
    for (const { name, value } of named) disclosed[name] = value;
    const status = effectiveStatus(licence, now);
    const summary: LicenceSummary = {
      id: licence.id,
      typeCode: licence.typeCode,
      issuerUscc: licence.issuerUscc,
      issuerMsp: licence.issuerMsp,
      status,
      validFrom: licence.validFrom,
      validUntil: licence.validUntil,
    };
    const shown = { licence: summary, disclosed };
    if (status !== '01') {
      const reason =
        status === licence.status
          ? { code: licence.statusReasonCode, text: licence.statusReasonText }
          : { code: 'VALIDITY_ENDED', text: `the validity period ended on ${licence.validUntil ?? ''}` };
      return { result: STATUS_RESULTS[status], reason, ...shown };
    }
    if (licence.validFrom > chinaDate(now)) {
      return {
        ...stop('OTHER_STATUS', 'NOT_YET_VALID', `the licence is valid from ${licence.validFrom}`),
        ...shown,
      };
    }

    const recognition = await recognise(licence, type, now);
    if (recognition === null) {
      return {
        ...stop(
          'NOT_RECOGNISED',
          'NO_RULE',
          'this province does not recognise this licence type from its issuer',
        ),
        ...shown,
      };
    }
    return { result: 'VALID', ...shown, recognition };
  }

  /** The on-chain issuer signature and the issuance key's state when the licence was issued. */
  async function checkIssuance(
    licence: LicenceRecord,
    tokenKid: string,
    tokenKey: SigningKey,
    province: Province,
  ): Promise<Decision | undefined> {
    const key = licence.kid === tokenKid ? tokenKey : await registry.signingKey(licence.kid);
    if (key === null || key.agencyUscc !== licence.issuerUscc || key.provinceMsp !== licence.issuerMsp) {
      return stop('INVALID_SIGNATURE', 'ISSUANCE_KEY', "the licence's issuance key is not its issuer's");
    }
    const issuedAtMs = Date.parse(licence.issuedAt);
    if (
      key.status === 'compromised' &&
      (key.compromisedAt === undefined || Date.parse(key.compromisedAt) <= issuedAtMs)
    ) {
      return stop(
        'KEY_REVOKED',
        'ISSUANCE_KEY_COMPROMISED',
        'the licence was signed with a key later marked compromised',
      );
    }
    // Same province as the token key: both equal licence.issuerMsp by the checks before this.
    const trusted = checkKeyTrust(key, licence.kid, province, new Date(issuedAtMs));
    if (!isKeyObject(trusted)) return trusted;
    if (!signatures.check(issuanceStatement(licence), licence.signature, trusted)) {
      return stop(
        'INVALID_SIGNATURE',
        'ISSUER_SIGNATURE',
        "the issuer's signature on the ledger record does not verify",
      );
    }
    return undefined;
  }

  async function recognise(
    licence: LicenceRecord,
    type: LicenceType,
    now: Date,
  ): Promise<Recognition | null> {
    if (licence.issuerMsp === deps.myMsp) return { basis: 'own' };
    if (type.nationallyRecognised) return { basis: 'national' };
    // Evaluated here over the rule's cached versions, so effective-from/to times apply exactly.
    const history = await registry.ruleHistory(deps.myMsp, licence.typeCode);
    const rule = effectiveRule(history, licence.issuerMsp, now.toISOString());
    if (rule === null) return null;
    return rule.localEquivalentType === undefined
      ? { basis: 'rule', ruleVersion: rule.version }
      : { basis: 'rule', ruleVersion: rule.version, localEquivalentType: rule.localEquivalentType };
  }

  async function assess(req: VerificationRequest): Promise<Assessment> {
    const now = deps.clock();
    const trail: Trail = { ledger: null };
    let decision: Decision;
    try {
      decision = await decide(req.token, now, trail);
    } catch {
      // A ledger failure: the status could not be established.
      decision = LEDGER_UNAVAILABLE;
      delete trail.claim;
    }
    return {
      draft: { ...decision, ledger: trail.ledger, verifiedAt: now.toISOString() },
      ...(trail.claim === undefined ? {} : { claim: trail.claim }),
      ...(trail.lid === undefined ? {} : { lid: trail.lid }),
      ...(typeof req.purpose === 'string' ? { purpose: req.purpose } : {}),
    };
  }

  async function conclude(assessment: Assessment, claim: ClaimOutcome): Promise<VerificationResult> {
    const { draft } = assessment;
    const answer: Omit<VerificationResult, 'receipt'> =
      assessment.claim === undefined || claim === 'fresh'
        ? draft
        : {
            ...(claim === 'replayed' ? REPLAYED : CLAIM_UNAVAILABLE),
            ledger: draft.ledger,
            verifiedAt: draft.verifiedAt,
          };
    const receipt = await deps.receiptSigner.sign(
      {
        result: answer.result,
        ...(assessment.lid === undefined ? {} : { lid: assessment.lid }),
        ...(assessment.purpose === undefined ? {} : { purposeHash: sha256b64url(assessment.purpose) }),
        verifiedAt: answer.verifiedAt,
        ledger: answer.ledger,
        verifier: deps.myMsp,
        iat: Math.floor(Date.parse(answer.verifiedAt) / 1000),
      },
      RECEIPT_TYP,
    );
    return { ...answer, receipt };
  }

  return {
    assess,
    conclude,
    async verify(req: VerificationRequest): Promise<VerificationResult> {
      const assessment = await assess(req);
      if (assessment.claim === undefined) return conclude(assessment, 'fresh');
      let outcome: ClaimOutcome;
      try {
        const { jti, expIso } = assessment.claim;
        outcome = (await deps.replay.claimJti(jti, expIso)) ? 'fresh' : 'replayed';
      } catch {
        outcome = 'unavailable';
      }
      return conclude(assessment, outcome);
    },
  };
}

/**
 * The token's disclosures with the names their positions have in `type`; FIELD_MISMATCH (like a
 * field name the licence does not have) for a position the type does not have.
 */
function namedDisclosures(
  type: LicenceType,
  d: readonly DisclosedField[],
): Decision | { name: string; value: string | number | boolean; salt: string }[] {
  const named: { name: string; value: string | number | boolean; salt: string }[] = [];
  for (const [position, value, salt] of d) {
    const spec = type.fields[position];
    if (spec === undefined) {
      return stop(
        'FIELD_MISMATCH',
        'FIELD_POSITION',
        `the licence type has no field at position ${position}`,
      );
    }
    named.push({ name: spec.name, value, salt });
  }
  return named;
}

/** Why the token's own key may not be trusted for a token issued at `iatMs`; undefined when it may. */
function tokenKeyState(key: SigningKey, iatMs: number): Decision | undefined {
  // iat is chosen by whoever holds the key, so once a key is compromised none of its tokens is trusted.
  if (key.status === 'compromised')
    return stop('KEY_REVOKED', 'KEY_COMPROMISED', 'the signing key is marked compromised');
  if (key.status === 'retired' && (key.retiredAt === undefined || Date.parse(key.retiredAt) <= iatMs)) {
    return stop('KEY_REVOKED', 'KEY_RETIRED', 'the signing key was retired before the token was issued');
  }
  if (iatMs < Date.parse(key.notBefore) || iatMs > Date.parse(key.notAfter)) {
    return stop('KEY_REVOKED', 'KEY_NOT_VALID', 'the signing key was not valid when the token was issued');
  }
  return undefined;
}

/** Today's calendar date in China Standard Time (licence dates are CST calendar dates). */
function chinaDate(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function isKeyObject(value: Decision | KeyObject): value is KeyObject {
  return value instanceof KeyObject;
}
