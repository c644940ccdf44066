/**
 * Presentation-token replay protection: a token id (jti) can be claimed once. Rows are kept until
 * the token's own expiry, after which the signature check rejects the token anyway.
 */
import type { Queryable } from './db';

/** A presentation token id and the token's expiry. */
export interface JtiClaim {
  readonly jti: string;
  readonly exp: Date;
}

/** Replay-guard repository. */
export interface ReplayRepo {
  /** True the first time `jti` is claimed, false on every later claim. */
  claimJti(jti: string, exp: Date): Promise<boolean>;
  /** Forgets ids whose tokens expired before `now`; returns how many. */
  purgeExpired(now?: Date): Promise<number>;
}

/** The replay repository over `db`. */
export function replayRepo(db: Queryable): ReplayRepo {
  return {
    async claimJti(jti, exp) {
      const { rowCount } = await db.query(
        'INSERT INTO replay (jti, exp) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING',
        [jti, exp],
      );
      return rowCount === 1;
    },
    async purgeExpired(now = new Date()) {
      const { rowCount } = await db.query('DELETE FROM replay WHERE exp < $1', [now]);
      return rowCount ?? 0;
    },
  };
}
