/** The verification log: who verified which licence, for what declared purpose, with what result. */
import { randomUUID } from 'node:crypto';
import type { IsoTime } from '@licence-ledger/domain';
import type { Queryable } from './db';
import { trailRows } from './trail';
import type { NewTrailNotification } from './trail';
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
  insert(entry: NewVerification): Promise<VerificationEntry>;
  /** Inserts this gateway's own verifications in one statement; entries in the order given. */
  insertMany(entries: readonly NewVerification[]): Promise<VerificationEntry[]>;
  /**
   * Inserts this gateway's own verifications and the trail notifications that report them, in one
   * statement: all of them or none. Each notification names one of `entries` by its id.
   */
  insertWithTrail(
    entries: readonly (NewVerification & { readonly id: string })[],
    notifications: readonly NewTrailNotification[],
  ): Promise<void>;
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

  /** The INSERT … SELECT of local rows from parameter arrays $1…$10, and those arrays. */
  const localRows = (entries: readonly NewVerification[], ids: readonly string[]) => {
    const column = <T>(f: (e: NewVerification) => T): T[] => entries.map(f);
    // Local rows have no notification jti, so no row can conflict with the reported ones.
    const sql = `INSERT INTO verification_log (id, licence_id, issuer_msp, verifier_province,
         verifier_agency, verifier_sub, purpose, result, jti, at)
       SELECT id, licence_id, issuer_msp, verifier_province, verifier_agency, verifier_sub, purpose,
         result, jti, COALESCE(at, date_trunc('milliseconds', now()))
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
         $8::text[], $9::text[], $10::timestamptz[])
         AS t(id, licence_id, issuer_msp, verifier_province, verifier_agency, verifier_sub, purpose,
           result, jti, at)`;
    const params = [
      ids,
      column((e) => e.licenceId),
      column((e) => e.issuerMsp),
      column((e) => e.verifierProvince),
      column((e) => e.verifierAgency),
      column((e) => e.verifierSub),
      column((e) => e.purpose),
      column((e) => e.result),
      column((e) => e.jti),
      column((e) => e.at ?? null),
    ];
    return { sql, params };
  };

  const insertMany = async (entries: readonly NewVerification[]): Promise<VerificationEntry[]> => {
    if (entries.length === 0) return [];
    const ids = entries.map((e) => e.id ?? randomUUID());
    const { sql, params } = localRows(entries, ids);
    const { rows } = await db.query<Row>(`${sql} RETURNING *`, params);
    const byId = new Map(rows.map((r) => [r.id, toEntry(r)]));
    return ids.map((id) => {
      const entry = byId.get(id);
      if (entry === undefined) throw new Error('a verification log row was not written');
      return entry;
    });
  };

  const insertWithTrail = async (
    entries: readonly (NewVerification & { readonly id: string })[],
    notifications: readonly NewTrailNotification[],
  ): Promise<void> => {
    if (entries.length === 0) return;
    const { sql, params } = localRows(
      entries,
      entries.map((e) => e.id),
    );
    const trail = trailRows(notifications, params.length + 1);
    // One statement is atomic without BEGIN/COMMIT round trips; the foreign key from a
    // notification to its row is checked at the end of the statement, when both exist.
    await db.query(`WITH logged AS (${sql} RETURNING id) ${trail.sql}`, [...params, ...trail.params]);
  };

  return {
    async insert(e) {
      const [entry] = await insertMany([e]);
      return entry!;
    },
    insertMany,
    insertWithTrail,
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
