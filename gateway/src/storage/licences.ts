/**
 * The licences this province issued: full content and salts (personal data, kept only here and
 * only sealed, see content-cipher.ts), the holder reference, and the local issuance state. Other
 * provinces' licences are never stored here.
 */
import type { FieldValue, IsoDate, IsoTime, LicenceRecord, StatusCode } from '@licence-ledger/domain';
import { LicenceError } from '@licence-ledger/domain';
import type { ContentCipher } from './content-cipher';
import type { Queryable } from './db';
import { iso, pageSize, sqlState, toPaged, UNIQUE_VIOLATION } from './rows';
import type { KeysetPage, Paged } from './rows';

/** Local issuance state of a licence row. */
export type LicenceState = 'pending' | 'issued' | 'failed';

/** What is written when a licence is issued. */
export interface NewLicence {
  readonly id: string;
  readonly typeCode: string;
  /** Issuing agency's USCC. */
  readonly agency: string;
  /** HMAC holder reference; null when the holder is an organisation looked up by USCC. */
  readonly holderRef: string | null;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly salts: Readonly<Record<string, string>>;
  readonly kid: string;
  readonly validFrom: IsoDate;
  readonly validUntil: IsoDate | null;
  readonly predecessor: string | null;
  readonly state: LicenceState;
  readonly outboxId: string | null;
  /** The ledger record, once known. */
  readonly record: LicenceRecord | null;
}

/** A stored licence. */
export interface StoredLicence extends NewLicence {
  readonly createdAt: IsoTime;
  readonly updatedAt: IsoTime;
  /** Latest status from the ledger projection; null when no event has been projected yet. */
  readonly status: StatusCode | null;
}

/** Filters for an agency's licence list. */
export interface AgencyLicenceFilter {
  readonly typeCode?: string;
  readonly status?: StatusCode;
  /** Licence id prefix. */
  readonly idPrefix?: string;
}

interface Row {
  licence_id: string;
  type_code: string;
  agency: string;
  holder_ref: string | null;
  content: Buffer | null;
  /** Only rows written before content was sealed (sealed at start-up by sealPlaintext). */
  fields: Record<string, FieldValue> | null;
  salts: Record<string, string> | null;
  kid: string;
  valid_from: string;
  valid_until: string | null;
  predecessor: string | null;
  state: LicenceState;
  outbox_id: string | null;
  record: LicenceRecord | null;
  created_at: Date;
  updated_at: Date;
  status: StatusCode | null;
}

const SELECT = `SELECT l.licence_id, l.type_code, l.agency, l.holder_ref, l.content, l.fields, l.salts, l.kid,
  l.valid_from::text AS valid_from, l.valid_until::text AS valid_until, l.predecessor, l.state, l.outbox_id,
  l.record, l.created_at, l.updated_at, p.status
  FROM licences l LEFT JOIN status_projection p ON p.licence_id = l.licence_id`;

function toLicence(r: Row, cipher: ContentCipher): StoredLicence {
  const content =
    r.content !== null
      ? cipher.open(r.licence_id, r.content)
      : { fields: r.fields ?? {}, salts: r.salts ?? {} };
  return {
    id: r.licence_id,
    typeCode: r.type_code,
    agency: r.agency,
    holderRef: r.holder_ref,
    fields: content.fields,
    salts: content.salts,
    kid: r.kid,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    predecessor: r.predecessor,
    state: r.state,
    outboxId: r.outbox_id,
    record: r.record,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    status: r.status,
  };
}

/** Escapes LIKE wildcards so a prefix filter matches literally. */
function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Repository of issued licences. */
export interface LicenceRepo {
  /** Inserts licences; ALREADY_EXISTS when an id is taken. */
  insert(licences: readonly NewLicence[]): Promise<void>;
  get(id: string): Promise<StoredLicence | undefined>;
  /** Moves licences to `state`, storing the ledger record when given; returns rows changed. */
  setState(
    ids: readonly string[],
    state: LicenceState,
    records?: ReadonlyMap<string, LicenceRecord>,
  ): Promise<number>;
  /** A holder's licences, newest first. */
  listByHolder(holderRef: string, page: KeysetPage): Promise<Paged<StoredLicence>>;
  /** An agency's licences, newest first, optionally filtered. */
  listByAgency(agency: string, page: KeysetPage, filter?: AgencyLicenceFilter): Promise<Paged<StoredLicence>>;
  /** The next serial number for (agency, type), starting at 1; never the same number twice. */
  nextSerial(agency: string, typeCode: string): Promise<number>;
  /** Whether any serial was ever handed out for the agency in this database. */
  hasSerials(agency: string): Promise<boolean>;
  /** Makes the next serial for (agency, type) greater than `used` (never lowers it). */
  raiseSerial(agency: string, typeCode: string, used: number): Promise<void>;
  /** Seals the content of rows stored in plaintext (written before sealing existed); returns how many. */
  sealPlaintext(): Promise<number>;
}

/** Plaintext rows sealed per statement by sealPlaintext. */
const SEAL_BATCH = 200;

/** The licence repository over `db`; content is sealed and opened with `cipher`. */
export function licenceRepo(db: Queryable, cipher: ContentCipher): LicenceRepo {
  const list = async (
    where: string[],
    values: unknown[],
    page: KeysetPage,
  ): Promise<Paged<StoredLicence>> => {
    const limit = pageSize(page.limit);
    const conds = [...where];
    const params = [...values];
    if (page.after !== undefined) {
      params.push(page.after[0], page.after[1]);
      conds.push(`(l.created_at, l.licence_id) < ($${params.length - 1}::timestamptz, $${params.length})`);
    }
    params.push(limit + 1);
    const { rows } = await db.query<Row>(
      `${SELECT} WHERE ${conds.join(' AND ')} ORDER BY l.created_at DESC, l.licence_id DESC LIMIT $${params.length}`,
      params,
    );
    return toPaged(
      rows.map((r) => toLicence(r, cipher)),
      limit,
      (l) => [l.createdAt, l.id],
    );
  };

  return {
    async insert(licences) {
      if (licences.length === 0) return;
      // One statement, so a batch is stored whole or not at all even outside a transaction.
      const values: unknown[] = [];
      const tuples = licences.map((l) => {
        const base = values.length;
        values.push(
          l.id,
          l.typeCode,
          l.agency,
          l.holderRef,
          cipher.seal(l.id, l),
          l.kid,
          l.validFrom,
          l.validUntil,
          l.predecessor,
          l.state,
          l.outboxId,
          l.record === null ? null : JSON.stringify(l.record),
        );
        return `(${Array.from({ length: 12 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
      });
      try {
        await db.query(
          `INSERT INTO licences (licence_id, type_code, agency, holder_ref, content, kid, valid_from,
             valid_until, predecessor, state, outbox_id, record) VALUES ${tuples.join(', ')}`,
          values,
        );
      } catch (err) {
        if (sqlState(err) === UNIQUE_VIOLATION) {
          throw new LicenceError('ALREADY_EXISTS', 'a licence with this id is already stored');
        }
        throw err;
      }
    },
    async get(id) {
      const { rows } = await db.query<Row>(`${SELECT} WHERE l.licence_id = $1`, [id]);
      return rows[0] === undefined ? undefined : toLicence(rows[0], cipher);
    },
    async setState(ids, state, records) {
      let changed = 0;
      for (const id of ids) {
        const record = records?.get(id);
        const { rowCount } = await db.query(
          `UPDATE licences SET state = $2, record = COALESCE($3::jsonb, record),
             updated_at = date_trunc('milliseconds', now()) WHERE licence_id = $1`,
          [id, state, record === undefined ? null : JSON.stringify(record)],
        );
        changed += rowCount ?? 0;
      }
      return changed;
    },
    listByHolder(holderRef, page) {
      return list(['l.holder_ref = $1'], [holderRef], page);
    },
    listByAgency(agency, page, filter = {}) {
      const where = ['l.agency = $1'];
      const values: unknown[] = [agency];
      if (filter.typeCode !== undefined) {
        values.push(filter.typeCode);
        where.push(`l.type_code = $${values.length}`);
      }
      if (filter.status !== undefined) {
        values.push(filter.status);
        where.push(`p.status = $${values.length}`);
      }
      if (filter.idPrefix !== undefined) {
        values.push(likePrefix(filter.idPrefix));
        where.push(`l.licence_id LIKE $${values.length}`);
      }
      return list(where, values, page);
    },
    async nextSerial(agency, typeCode) {
      const { rows } = await db.query<{ last: string }>(
        `INSERT INTO licence_serials (agency, type_code, last) VALUES ($1, $2, 1)
         ON CONFLICT (agency, type_code) DO UPDATE SET last = licence_serials.last + 1
         RETURNING last`,
        [agency, typeCode],
      );
      return Number(rows[0]?.last);
    },
    async hasSerials(agency) {
      const { rows } = await db.query(`SELECT 1 FROM licence_serials WHERE agency = $1 LIMIT 1`, [agency]);
      return rows.length > 0;
    },
    async raiseSerial(agency, typeCode, used) {
      await db.query(
        `INSERT INTO licence_serials (agency, type_code, last) VALUES ($1, $2, $3)
         ON CONFLICT (agency, type_code) DO UPDATE SET last = GREATEST(licence_serials.last, $3)`,
        [agency, typeCode, used],
      );
    },
    async sealPlaintext() {
      let sealed = 0;
      for (;;) {
        const { rows } = await db.query<Pick<Row, 'licence_id' | 'fields' | 'salts'>>(
          `SELECT licence_id, fields, salts FROM licences WHERE content IS NULL ORDER BY licence_id LIMIT $1`,
          [SEAL_BATCH],
        );
        if (rows.length === 0) return sealed;
        // One statement per batch; "content IS NULL" keeps a row sealed meanwhile from being sealed twice.
        const { rowCount } = await db.query(
          `UPDATE licences l SET content = s.content, fields = NULL, salts = NULL
           FROM unnest($1::text[], $2::bytea[]) AS s(licence_id, content)
           WHERE l.licence_id = s.licence_id AND l.content IS NULL`,
          [
            rows.map((r) => r.licence_id),
            rows.map((r) => cipher.seal(r.licence_id, { fields: r.fields ?? {}, salts: r.salts ?? {} })),
          ],
        );
        sealed += rowCount ?? 0;
      }
    },
  };
}
