/**
 * Verification for relying parties of this province: wraps the verifier (own ledger copy, own
 * replay store, receipt signed by this gateway) and logs every outcome with the declared purpose.
 */
import { randomUUID } from 'node:crypto';
import { LicenceError } from '@licence-ledger/domain';
import type { Principal } from '../auth/principal';
import { RegistryCache, createVerifier } from '../verification';
import type { VerificationResult, Verifier } from '../verification';
import type { ProvinceContext } from './context';
import { GroupCommit } from '../storage/group-commit';
import type { JtiClaim } from '../storage/replay';
import { trailNotificationFor } from './trail';

/** Bounds of the declared purpose (申请事由). */
export const PURPOSE_MIN = 2;
export const PURPOSE_MAX = 200;
/** Longest presentation lifetime this province's verifiers accept. */
export const MAX_ACCEPTED_TTL_SECONDS = 900;

/** A verification to log, with what its trail notification needs. */
interface Outcome {
  readonly principal: Principal;
  readonly purpose: string;
  readonly result: VerificationResult;
}

/** Verification for one province. */
export class VerificationService {
  private readonly verifier: Verifier;
  /** Replay claims of concurrent verifications, written together (see GroupCommit). */
  private readonly claims: GroupCommit<JtiClaim, boolean>;
  /** Log rows (and trail notifications) of concurrent verifications, one statement per batch. */
  private readonly outcomes: GroupCommit<Outcome, void>;
  /** Registry reads (keys, provinces, types, rules) kept between verifications; the event listener invalidates them. */
  readonly registry: RegistryCache;

  constructor(private readonly ctx: ProvinceContext) {
    this.registry = new RegistryCache(ctx.ledger.verifier);
    this.claims = new GroupCommit((claims) => ctx.store.replay.claimMany(claims));
    this.outcomes = new GroupCommit((outcomes) => this.logOutcomes(outcomes));
    this.verifier = createVerifier({
      ledger: ctx.ledger.verifier,
      registry: this.registry,
      replay: { claimJti: (jti, exp) => this.claims.submit({ jti, exp: new Date(exp) }) },
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
    const result = await this.verifier.verify({ token, purpose: declared });
    try {
      await this.outcomes.submit({ principal, purpose: declared, result });
    } catch (error) {
      // The answer stands even if the log write fails; the failure is an operations problem.
      this.ctx.logger.error({ err: error, result: result.result }, 'could not write the verification log');
    }
    this.ctx.logger.info({ result: result.result, licenceId: result.licence?.id }, 'verification');
    return result;
  }

  /**
   * Logs verifications with one statement; each trail notification (the issuing province's copy
   * of an entry) is written with its row, so both are written or neither.
   */
  private async logOutcomes(outcomes: readonly Outcome[]): Promise<void[]> {
    const rows = outcomes.map(({ principal, purpose, result }) => ({
      id: randomUUID(),
      licenceId: result.licence?.id ?? null,
      issuerMsp: result.licence?.issuerMsp ?? null,
      verifierProvince: principal.province,
      verifierAgency: principal.agency ?? null,
      verifierSub: principal.sub,
      purpose,
      result: result.result,
      jti: null,
      at: new Date(result.verifiedAt),
    }));
    const notifications = outcomes.flatMap((o, i) => trailNotificationFor(this.ctx, rows[i]!.id, o) ?? []);
    await this.ctx.store.verifications.insertWithTrail(rows, notifications);
    return outcomes.map(() => undefined);
  }
}
