/** The verification log: who verified which licence, for what declared purpose, with what result. */
import { randomUUID } from 'node:crypto';
import type { IsoTime } from '@licence-ledger/domain';
import type { Queryable } from './db';
import type { NewTrailNotification } from './trail';
import type { JtiClaim } from './replay';
import { iso, keysetPage } from './rows';
import type { KeysetPage, Paged } from './rows';

/** One verification to record. */
export interface NewVerification {
  /** Generated when omitted. */
  readonly id?: string;
  /** The licence presented; null when the token was too malformed to name one. */
  readonly licenceId: string | null;
  readonly issuerMsp: string | null;
  readonly verifierProvince: string;
  readonly verifierAgency: string | null;
  readonly verifierSub: string | null;
  /** The verifier's declared purpose (申请事由). */
  readonly purpose: string;
  /** Verification result code (VALID, REVOKED, …). */
  readonly result: string;
  readonly jti: string | null;
  /** Defaults to the database's now. */
  readonly at?: Date;
}

/** A verification of this gateway to settle: its row as it stands when its token id (if any) is fresh. */
export interface Settlement extends NewVerification {
  readonly id: string;
  /** The presentation token id to claim with the row (one-time use); absent when the answer did not depend on it. */
  readonly claim?: JtiClaim;
}

/** A verification another province's gateway reported for a licence this province issued. */
export interface ReportedVerification extends Omit<NewVerification, 'jti'> {
  /** The notification's jti: one entry per (verifierProvince, notificationJti). */
  readonly notificationJti: string;
}

/** A logged verification. */
export interface VerificationEntry extends Omit<NewVerification, 'id' | 'at'> {
  readonly id: string;
  readonly at: IsoTime;
}

interface Row {
  id: string;
  licence_id: string | null;
  issuer_msp: string | null;
  verifier_province: string;
  verifier_agency: string | null;
  verifier_sub: string | null;
  purpose: string;
  result: string;
  jti: string | null;
  at: Date;
}

function toEntry(r: Row): VerificationEntry {
  return {
    id: r.id,
    licenceId: r.licence_id,
    issuerMsp: r.issuer_msp,
    verifierProvince: r.verifier_province,
    verifierAgency: r.verifier_agency,
    verifierSub: r.verifier_sub,
    purpose: r.purpose,
    result: r.result,
    jti: r.jti,
    at: iso(r.at),
  };
}

/** Verification log repository. */
export interface VerificationLogRepo {
  /**
   * Settles this gateway's verifications in one statement: claims each entry's token id (the first
   * occurrence of an id in `entries` can win), logs every entry, and queues
   * the trail notifications (each names an entry by id). An entry whose id was claimed before is
   * logged with result `replayedResult` and no licence, and its notifications are dropped. Answers,
   * in order, whether each entry stands as given (true for entries without a claim).
   */
  settle(
    entries: readonly Settlement[],
    notifications: readonly NewTrailNotification[],
    replayedResult: string,
  ): Promise<boolean[]>;
  /** Records a reported verification; undefined when the same notification was recorded before. */
  insertReported(entry: ReportedVerification): Promise<VerificationEntry | undefined>;
  /** Verifications of any of `licenceIds`, newest first. */
  listByLicences(licenceIds: readonly string[], page: KeysetPage): Promise<Paged<VerificationEntry>>;
}

/** The verification log repository over `db`. */
export function verificationLogRepo(db: Queryable): VerificationLogRepo {
  /** Inserts a reported row; undefined when its (province, notification jti) is taken. */
  const insertReported = async (e: ReportedVerification): Promise<VerificationEntry | undefined> => {
    const { rows } = await db.query<Row>(
      `INSERT INTO verification_log (id, licence_id, issuer_msp, verifier_province, verifier_agency,
         verifier_sub, purpose, result, jti, notification_jti, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
         COALESCE($11::timestamptz, date_trunc('milliseconds', now())))
       ON CONFLICT (verifier_province, notification_jti) DO NOTHING
       RETURNING *`,
      [
        e.id ?? randomUUID(),
        e.licenceId,
        e.issuerMsp,
        e.verifierProvince,
        e.verifierAgency,
        e.verifierSub,
        e.purpose,
        e.result,
        null,
        e.notificationJti,
        e.at ?? null,
      ],
    );
    return rows[0] === undefined ? undefined : toEntry(rows[0]);
  };

  /** The columns of local rows as parameter arrays, in the order of `input` in settle(). */
  const localColumns = (entries: readonly Settlement[]): unknown[] => {
    const column = <T>(f: (e: Settlement) => T): T[] => entries.map(f);
    return [
      column((e) => e.id),
      column((e) => e.licenceId),
      column((e) => e.issuerMsp),
      column((e) => e.verifierProvince),
      column((e) => e.verifierAgency),
      column((e) => e.verifierSub),
      column((e) => e.purpose),
      column((e) => e.result),
      column((e) => e.jti),
      column((e) => e.at ?? null),
      column((e) => e.claim?.jti ?? null),
      column((e) => e.claim?.exp ?? null),
    ];
  };

  const settle = async (
    entries: readonly Settlement[],
    notifications: readonly NewTrailNotification[],
    replayedResult: string,
  ): Promise<boolean[]> => {
    if (entries.length === 0) return [];
    const notes = [
      notifications.map((n) => n.id),
      notifications.map((n) => n.verificationId),
      notifications.map((n) => n.targetMsp),
      notifications.map((n) => JSON.stringify(n.payload)),
    ];
    const { rows } = await db.query<{ id: string }>(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
           $7::text[], $8::text[], $9::text[], $10::timestamptz[], $11::text[], $12::timestamptz[])
           WITH ORDINALITY AS t(id, licence_id, issuer_msp, verifier_province, verifier_agency,
             verifier_sub, purpose, result, jti, at, claim_jti, claim_exp, ord)
       ),
       firsts AS (
         SELECT DISTINCT ON (claim_jti) id, claim_jti, claim_exp FROM input
         WHERE claim_jti IS NOT NULL ORDER BY claim_jti, ord
       ),
       claimed AS (
         INSERT INTO replay (jti, exp) SELECT claim_jti, claim_exp FROM firsts
         ON CONFLICT (jti) DO NOTHING RETURNING jti
       ),
       settled AS (
         SELECT i.*, (i.claim_jti IS NULL
           OR i.id IN (SELECT f.id FROM firsts f JOIN claimed c ON c.jti = f.claim_jti)) AS fresh
         FROM input i
       ),
       logged AS (
         -- Local rows have no notification jti, so none can conflict with the reported ones.
         INSERT INTO verification_log (id, licence_id, issuer_msp, verifier_province,
           verifier_agency, verifier_sub, purpose, result, jti, at)
         SELECT id, CASE WHEN fresh THEN licence_id END, CASE WHEN fresh THEN issuer_msp END,
           verifier_province, verifier_agency, verifier_sub, purpose,
           CASE WHEN fresh THEN result ELSE $13 END, jti,
           COALESCE(at, date_trunc('milliseconds', now()))
         FROM settled
         RETURNING id
       ),
       queued AS (
         -- A notification naming no entry is kept, so the foreign key refuses it (a caller's bug).
         INSERT INTO trail_outbox (id, verification_id, target_msp, payload)
         SELECT t.id, t.verification_id, t.target_msp, t.payload::jsonb
         FROM unnest($14::text[], $15::text[], $16::text[], $17::text[])
           AS t(id, verification_id, target_msp, payload)
         LEFT JOIN settled s ON s.id = t.verification_id WHERE s.fresh IS NOT FALSE
       )
       SELECT id FROM settled WHERE fresh`,
      [...localColumns(entries), replayedResult, ...notes],
    );
    const standing = new Set(rows.map((r) => r.id));
    return entries.map((e) => standing.has(e.id));
  };

  return {
    settle,
    insertReported,
    async listByLicences(licenceIds, page) {
      if (licenceIds.length === 0) return { items: [], next: undefined };
      const q = {
        sql: 'SELECT * FROM verification_log WHERE licence_id = ANY($1::text[])',
        values: [licenceIds],
      };
      return keysetPage<Row, VerificationEntry>(
        db,
        { ...q, time: 'at', id: 'id', descending: true },
        page,
        toEntry,
        (v) => [v.at, v.id],
      );
    },
  };
}
