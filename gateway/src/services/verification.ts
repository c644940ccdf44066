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
import { queueTrailNotification } from './trail';

/** Bounds of the declared purpose (申请事由). */
export const PURPOSE_MIN = 2;
export const PURPOSE_MAX = 200;
/** Longest presentation lifetime this province's verifiers accept. */
export const MAX_ACCEPTED_TTL_SECONDS = 900;

/** Verification for one province. */
export class VerificationService {
  private readonly verifier: Verifier;
  /** Registry reads (keys, provinces, types, rules) kept between verifications; the event listener invalidates them. */
  readonly registry: RegistryCache;

  constructor(private readonly ctx: ProvinceContext) {
    this.registry = new RegistryCache(ctx.ledger.verifier);
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
    const result = await this.verifier.verify({ token, purpose: declared });
    try {
      // The issuing province's copy of the entry is queued with ours: both or neither.
      await this.ctx.store.transaction(async (db) => {
        const logged = await db.verifications.insert({
          id: randomUUID(),
          licenceId: result.licence?.id ?? null,
          issuerMsp: result.licence?.issuerMsp ?? null,
          verifierProvince: principal.province,
          verifierAgency: principal.agency ?? null,
          verifierSub: principal.sub,
          purpose: declared,
          result: result.result,
          jti: null,
          at: new Date(result.verifiedAt),
        });
        await queueTrailNotification(db, this.ctx, logged.id, { principal, purpose: declared, result });
      });
    } catch (error) {
      // The answer stands even if the log write fails; the failure is an operations problem.
      this.ctx.logger.error({ err: error, result: result.result }, 'could not write the verification log');
    }
    this.ctx.logger.info({ result: result.result, licenceId: result.licence?.id }, 'verification');
    return result;
  }
}
