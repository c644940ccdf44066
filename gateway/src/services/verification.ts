/**
 * Verification for relying parties of this province: wraps the verifier (own ledger copy, own
 * replay store, receipt signed by this gateway) and logs every outcome with the declared purpose.
 */
import { randomUUID } from 'node:crypto';
import { LicenceError } from '@licence-ledger/domain';
import type { Principal } from '../auth/principal';
import { RegistryCache, createVerifier } from '../verification';
import type { Assessment, ClaimOutcome, VerificationResult, Verifier } from '../verification';
import type { ProvinceContext } from './context';
import { GroupCommit } from '../storage/group-commit';
import { trailNotificationFor } from './trail';

/** Bounds of the declared purpose (申请事由). */
export const PURPOSE_MIN = 2;
export const PURPOSE_MAX = 200;
/** Longest presentation lifetime this province's verifiers accept. */
export const MAX_ACCEPTED_TTL_SECONDS = 900;

/** A verification to settle, with what its log row and trail notification need. */
interface Outcome {
  readonly principal: Principal;
  readonly purpose: string;
  readonly assessment: Assessment;
}

/** Verification for one province. */
export class VerificationService {
  private readonly verifier: Verifier;
  /**
   * Concurrent verifications settled together (see GroupCommit): each one's token-id claim, log row
   * and trail notification, in one statement per batch, one durable write per answer.
   */
  private readonly settlements: GroupCommit<Outcome, boolean>;
  /**
   * Registry reads (keys, provinces, types, rules) and licence records (for STATUS_CACHE_TTL_MS)
   * kept between verifications; the event listener invalidates them.
   */
  readonly registry: RegistryCache;

  constructor(private readonly ctx: ProvinceContext) {
    this.registry = new RegistryCache(ctx.ledger.verifier, {
      licenceTtlMs: ctx.config.statusCacheTtlMs,
      clock: ctx.clock,
    });
    this.settlements = new GroupCommit((outcomes) => this.settle(outcomes));
    this.verifier = createVerifier({
      ledger: ctx.ledger.verifier,
      registry: this.registry,
      replay: { claimJti: (jti, exp) => ctx.store.replay.claimJti(jti, new Date(exp)) },
      myMsp: ctx.msp,
      clock: ctx.clock,
      clockToleranceSeconds: ctx.config.clockToleranceSeconds,
      maxTokenTtlSeconds: MAX_ACCEPTED_TTL_SECONDS,
      receiptSigner: ctx.receipt,
    });
  }

  /** Verifies a presented token for `principal` and logs the outcome with `purpose`. */
  async verify(principal: Principal, token: unknown, purpose: string): Promise<VerificationResult> {
    const declared = purpose.trim();
    if (declared.length < PURPOSE_MIN || declared.length > PURPOSE_MAX) {
      throw new LicenceError(
        'SCHEMA_VIOLATION',
        `purpose must be ${PURPOSE_MIN} to ${PURPOSE_MAX} characters`,
        {
          path: '/purpose',
        },
      );
    }
    const assessment = await this.verifier.assess({ token, purpose: declared });
    let claim: ClaimOutcome;
    try {
      claim = (await this.settlements.submit({ principal, purpose: declared, assessment }))
        ? 'fresh'
        : 'replayed';
    } catch (error) {
      this.ctx.logger.error(
        { err: error, result: assessment.draft.result },
        'could not write the verification log',
      );
      // Without the claim the token's one-time use is not established: never VALID. An answer
      // that needed no claim stands; the lost log row is an operations problem.
      claim = 'unavailable';
    }
    const result = await this.verifier.conclude(assessment, claim);
    this.ctx.logger.info({ result: result.result, licenceId: result.licence?.id }, 'verification');
    return result;
  }

  /**
   * Claims the token ids, logs the verifications and queues their trail notifications (the issuing
   * province's copy of an entry) with one statement: all of them or none.
   */
  private async settle(outcomes: readonly Outcome[]): Promise<boolean[]> {
    const rows = outcomes.map(({ principal, purpose, assessment: { draft, claim } }) => ({
      id: randomUUID(),
      licenceId: draft.licence?.id ?? null,
      issuerMsp: draft.licence?.issuerMsp ?? null,
      verifierProvince: principal.province,
      verifierAgency: principal.agency ?? null,
      verifierSub: principal.sub,
      purpose,
      result: draft.result,
      jti: null,
      at: new Date(draft.verifiedAt),
      ...(claim === undefined ? {} : { claim: { jti: claim.jti, exp: new Date(claim.expIso) } }),
    }));
    const notifications = outcomes.flatMap(
      (o, i) => trailNotificationFor(this.ctx, rows[i]!.id, { ...o, result: o.assessment.draft }) ?? [],
    );
    return this.ctx.store.verifications.settle(rows, notifications, 'REPLAYED');
  }
}
