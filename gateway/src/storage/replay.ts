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
  /**
   * Claims many ids in one statement; answers, in order, whether each claim is the first. When the
   * same id appears twice in `claims`, only its first occurrence can be the first claim.
   */
  claimMany(claims: readonly JtiClaim[]): Promise<boolean[]>;
  /** Forgets ids whose tokens expired before `now`; returns how many. */
  purgeExpired(now?: Date): Promise<number>;
}

/** The replay repository over `db`. */
export function replayRepo(db: Queryable): ReplayRepo {
  const claimMany = async (claims: readonly JtiClaim[]): Promise<boolean[]> => {
    if (claims.length === 0) return [];
    const first = new Map<string, Date>();
    for (const c of claims) if (!first.has(c.jti)) first.set(c.jti, c.exp);
    const { rows } = await db.query<{ jti: string }>(
      `INSERT INTO replay (jti, exp) SELECT * FROM unnest($1::text[], $2::timestamptz[])
       ON CONFLICT (jti) DO NOTHING RETURNING jti`,
      [[...first.keys()], [...first.values()]],
    );
    const inserted = new Set(rows.map((r) => r.jti));
    return claims.map((c) => inserted.delete(c.jti));
  };
  return {
    async claimJti(jti, exp) {
      const [fresh] = await claimMany([{ jti, exp }]);
      return fresh === true;
    },
    claimMany,
    async purgeExpired(now = new Date()) {
      const { rowCount } = await db.query('DELETE FROM replay WHERE exp < $1', [now]);
      return rowCount ?? 0;
    },
  };
}
