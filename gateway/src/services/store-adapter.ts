/**
 * The services' database ports over the gateway's tables (storage/migrations). Every method is one
 * statement or one transaction; nothing here decides anything, the services do.
 *
 * PGlite serves one connection, so inside a transaction every statement must go through the
 * transaction's client, never the pool (it would wait for the connection the transaction holds).
 */
import type { Pool, PoolClient } from 'pg';
import type { FieldValue, StatusCode, TxName } from '@licence-ledger/domain';
import { withTransaction } from '../storage/db';
import type { Queryable } from '../storage/db';
import type {
  Checkpoint,
  DeliveryRow,
  IdempotencyRecord,
  IdempotencyStore,
  IssuanceStore,
  LicenceQuery,
  LicenceReadStore,
  LicenceRow,
  LicenceRowState,
  OutboxKind,
  OutboxRow,
  OutboxState,
  ProjectedStatus,
  ProjectionStore,
  SubscriptionRow,
} from './ports';

/** The listener's checkpoint stream name. */
export const EVENTS_STREAM = 'chaincode-events';
/**
 * Serial counters share the ledger_checkpoint table (stream `serial:<agency>:<type>`, counter in
 * block_number): the schema has no counter table of its own yet. An upsert with RETURNING is atomic
 * in PostgreSQL, so two issuers never get the same number.
 */
const SERIAL_STREAM = (agency: string, type: string): string => `serial:${agency}:${type}`;

interface LicenceDbRow {
  licence_id: string;
  type_code: string;
  agency: string;
  holder_ref: string;
  fields: Record<string, FieldValue>;
  salts: Record<string, string>;
  record: {
    state: LicenceRowState;
    kid: string;
    validFrom: string;
    validUntil: string | null;
    predecessor: string | null;
    outboxId?: string;
  };
  created_at: Date | string;
  status: string | null;
}

interface OutboxDbRow {
  id: string;
  tx_name: string;
  payload: { kind: OutboxKind; args: string[]; agencyUscc: string; licenceIds: string[] };
  state: OutboxState | 'submitted';
  tx_id: string | null;
  tx_bytes: Buffer | null;
  block_number: string | number | null;
  error_code: string | null;
  created_at: Date | string;
}

const iso = (value: Date | string): string => (value instanceof Date ? value : new Date(value)).toISOString();

function toLicence(row: LicenceDbRow): LicenceRow {
  return {
    id: row.licence_id,
    typeCode: row.type_code,
    issuerUscc: row.agency,
    holderRef: row.holder_ref,
    fields: row.fields,
    salts: row.salts,
    kid: row.record.kid,
    validFrom: row.record.validFrom,
    validUntil: row.record.validUntil,
    predecessor: row.record.predecessor,
    state: row.record.state,
    createdAt: iso(row.created_at),
    status: (row.status as StatusCode | null) ?? (row.record.state === 'issued' ? '01' : null),
  };
}

function toOutbox(row: OutboxDbRow): OutboxRow {
  return {
    id: row.id,
    kind: row.payload.kind,
    tx: row.tx_name as TxName,
    args: row.payload.args,
    agencyUscc: row.payload.agencyUscc,
    licenceIds: row.payload.licenceIds,
    // 'submitted' is resumed exactly like 'prepared': the bytes are resent, idempotently.
    state: row.state === 'submitted' ? 'prepared' : row.state,
    txId: row.tx_id,
    txBytes: row.tx_bytes,
    blockNumber: row.block_number === null ? null : Number(row.block_number),
    error: row.error_code,
    createdAt: iso(row.created_at),
  };
}

const LICENCE_SELECT = `SELECT l.licence_id, l.type_code, l.agency, l.holder_ref, l.fields, l.salts, l.record,
  l.created_at, p.status FROM licences l LEFT JOIN status_projection p ON p.licence_id = l.licence_id`;

async function setLicenceState(db: Queryable, ids: readonly string[], state: LicenceRowState): Promise<void> {
  await db.query(
    `UPDATE licences SET record = jsonb_set(record, '{state}', to_jsonb($2::text)) WHERE licence_id = ANY($1::text[])`,
    [ids, state],
  );
}

/** All the services' ports over one province pool. */
export class ServiceStore implements IssuanceStore, LicenceReadStore, IdempotencyStore, ProjectionStore {
  constructor(readonly pool: Pool) {}

  private tx<T>(fn: (db: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, fn);
  }

  // ------------------------------------------------------------------ issuance

  async nextSerial(agencyUscc: string, typeCode: string): Promise<number> {
    const { rows } = await this.pool.query<{ block_number: string }>(
      `INSERT INTO ledger_checkpoint (stream, block_number) VALUES ($1, 1)
       ON CONFLICT (stream) DO UPDATE SET block_number = ledger_checkpoint.block_number + 1, updated_at = now()
       RETURNING block_number`,
      [SERIAL_STREAM(agencyUscc, typeCode)],
    );
    return Number(rows[0]?.block_number);
  }

  async recordIntent(licences: readonly LicenceRow[], outbox: OutboxRow): Promise<void> {
    await this.tx(async (db) => {
      await db.query(
        `INSERT INTO outbox (id, tx_name, licence_id, payload, state, created_at) VALUES ($1, $2, $3, $4, 'intent', $5)`,
        [
          outbox.id,
          outbox.tx,
          outbox.licenceIds[0] ?? null,
          JSON.stringify({
            kind: outbox.kind,
            args: outbox.args,
            agencyUscc: outbox.agencyUscc,
            licenceIds: outbox.licenceIds,
          }),
          outbox.createdAt,
        ],
      );
      for (const l of licences) {
        await db.query(
          `INSERT INTO licences (licence_id, type_code, agency, holder_ref, fields, salts, record, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            l.id,
            l.typeCode,
            l.issuerUscc,
            l.holderRef,
            JSON.stringify(l.fields),
            JSON.stringify(l.salts),
            JSON.stringify({
              state: 'pending',
              kid: l.kid,
              validFrom: l.validFrom,
              validUntil: l.validUntil,
              predecessor: l.predecessor,
              outboxId: outbox.id,
            }),
            l.createdAt,
          ],
        );
      }
    });
  }

  async markPrepared(outboxId: string, txId: string, bytes: Buffer): Promise<void> {
    await this.pool.query(
      `UPDATE outbox SET state = 'prepared', tx_id = $2, tx_bytes = $3, attempts = attempts + 1, updated_at = now()
       WHERE id = $1`,
      [outboxId, txId, bytes],
    );
  }

  async markCommitted(outboxId: string, txId: string, blockNumber: number): Promise<void> {
    await this.tx(async (db) => {
      const { rows } = await db.query<{ payload: OutboxDbRow['payload'] }>(
        `UPDATE outbox SET state = 'committed', tx_id = $2, block_number = $3, updated_at = now() WHERE id = $1
         RETURNING payload`,
        [outboxId, txId, blockNumber],
      );
      await setLicenceState(db, rows[0]?.payload.licenceIds ?? [], 'issued');
    });
  }

  async markFailed(outboxId: string, error: string): Promise<void> {
    await this.tx(async (db) => {
      const { rows } = await db.query<{ payload: OutboxDbRow['payload'] }>(
        `UPDATE outbox SET state = 'failed', error_code = $2, updated_at = now() WHERE id = $1 RETURNING payload`,
        [outboxId, error.slice(0, 64)],
      );
      await setLicenceState(db, rows[0]?.payload.licenceIds ?? [], 'failed');
    });
  }

  async unfinished(): Promise<OutboxRow[]> {
    const { rows } = await this.pool.query<OutboxDbRow>(
      `SELECT * FROM outbox WHERE state IN ('intent', 'prepared', 'submitted') ORDER BY created_at, id`,
    );
    return rows.map(toOutbox);
  }

  async outbox(id: string): Promise<OutboxRow | undefined> {
    const { rows } = await this.pool.query<OutboxDbRow>('SELECT * FROM outbox WHERE id = $1', [id]);
    return rows[0] === undefined ? undefined : toOutbox(rows[0]);
  }

  // ------------------------------------------------------------------ licences

  async licence(id: string): Promise<LicenceRow | undefined> {
    const { rows } = await this.pool.query<LicenceDbRow>(`${LICENCE_SELECT} WHERE l.licence_id = $1`, [id]);
    return rows[0] === undefined ? undefined : toLicence(rows[0]);
  }

  async licences(q: LicenceQuery): Promise<LicenceRow[]> {
    const where: string[] = [`l.record->>'state' = 'issued'`];
    const values: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      values.push(value);
      where.push(sql.replace('?', `$${values.length}`));
    };
    if (q.issuerUscc !== undefined) add('l.agency = ?', q.issuerUscc);
    if (q.holderRef !== undefined) add('l.holder_ref = ?', q.holderRef);
    if (q.typeCode !== undefined) add('l.type_code = ?', q.typeCode);
    if (q.status !== undefined) add(`coalesce(p.status, '01') = ?`, q.status);
    if (q.idPrefix !== undefined) add(`starts_with(l.licence_id, ?)`, q.idPrefix);
    if (q.after !== undefined) {
      values.push(q.after[0], q.after[1]);
      where.push(`(l.created_at, l.licence_id) < ($${values.length - 1}::timestamptz, $${values.length})`);
    }
    values.push(q.limit);
    const { rows } = await this.pool.query<LicenceDbRow>(
      `${LICENCE_SELECT} WHERE ${where.join(' AND ')} ORDER BY l.created_at DESC, l.licence_id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map(toLicence);
  }

  // ------------------------------------------------------------------ idempotency

  async claim(caller: string, key: string, requestHash: string): Promise<IdempotencyRecord | undefined> {
    const inserted = await this.pool.query(
      `INSERT INTO idempotency_keys (caller, key, request_hash, state) VALUES ($1, $2, $3, 'in_progress')
       ON CONFLICT (caller, key) DO NOTHING`,
      [caller, key, requestHash],
    );
    if (inserted.rowCount === 1) return undefined;
    const { rows } = await this.pool.query<{
      request_hash: string;
      response_status: number | null;
      response_body: unknown;
    }>(
      'SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE caller = $1 AND key = $2',
      [caller, key],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return { requestHash: row.request_hash, status: row.response_status, body: row.response_body };
  }

  async complete(caller: string, key: string, status: number, body: unknown): Promise<void> {
    await this.pool.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4, completed_at = now()
       WHERE caller = $1 AND key = $2`,
      [caller, key, status, JSON.stringify(body ?? null)],
    );
  }

  async release(caller: string, key: string): Promise<void> {
    await this.pool.query(
      `DELETE FROM idempotency_keys WHERE caller = $1 AND key = $2 AND state = 'in_progress'`,
      [caller, key],
    );
  }

  // ------------------------------------------------------------------ projection

  async checkpoint(): Promise<Checkpoint | undefined> {
    const { rows } = await this.pool.query<{ block_number: string; tx_id: string | null }>(
      'SELECT block_number, tx_id FROM ledger_checkpoint WHERE stream = $1',
      [EVENTS_STREAM],
    );
    const row = rows[0];
    return row === undefined ? undefined : { blockNumber: Number(row.block_number), txId: row.tx_id ?? '' };
  }

  async applyEvent(
    statuses: readonly ProjectedStatus[],
    checkpoint: Checkpoint,
    notifications: readonly { readonly licenceId: string; readonly payload: string }[],
  ): Promise<void> {
    await this.tx(async (db) => {
      for (const s of statuses) {
        await db.query(
          `INSERT INTO status_projection (licence_id, status, issuer_msp, revision, reason_code, status_at, block_number, tx_id)
           VALUES ($1, $2, $3, $4, $5, now(), $6, $7)
           ON CONFLICT (licence_id) DO UPDATE SET status = EXCLUDED.status, revision = EXCLUDED.revision,
             reason_code = EXCLUDED.reason_code, status_at = EXCLUDED.status_at, block_number = EXCLUDED.block_number,
             tx_id = EXCLUDED.tx_id, updated_at = now()
           WHERE status_projection.revision < EXCLUDED.revision`,
          [s.licenceId, s.status, s.issuerMsp, s.revision, s.reasonCode, s.blockNumber, s.txId],
        );
      }
      for (const n of notifications) {
        // One delivery per subscription; the event key makes a replayed event enqueue nothing new.
        await db.query(
          `INSERT INTO webhook_deliveries (id, subscription_id, event_key, payload, next_at)
           SELECT gen_random_uuid()::text, s.id, $2, $3::jsonb, now()
           FROM webhook_subscription_licences sl JOIN webhook_subscriptions s ON s.id = sl.subscription_id
           WHERE sl.licence_id = $1 AND s.active
           ON CONFLICT (subscription_id, event_key) DO NOTHING`,
          [n.licenceId, `${checkpoint.txId}:${n.licenceId}`, n.payload],
        );
      }
      await db.query(
        `INSERT INTO ledger_checkpoint (stream, block_number, tx_id) VALUES ($1, $2, $3)
         ON CONFLICT (stream) DO UPDATE SET block_number = EXCLUDED.block_number, tx_id = EXCLUDED.tx_id, updated_at = now()`,
        [EVENTS_STREAM, checkpoint.blockNumber, checkpoint.txId],
      );
    });
  }

  async projected(licenceId: string): Promise<ProjectedStatus | undefined> {
    const { rows } = await this.pool.query<{
      licence_id: string;
      status: StatusCode;
      issuer_msp: string;
      revision: string;
      block_number: string;
      tx_id: string;
      reason_code: string | null;
    }>('SELECT * FROM status_projection WHERE licence_id = $1', [licenceId]);
    const r = rows[0];
    return r === undefined
      ? undefined
      : {
          licenceId: r.licence_id,
          status: r.status,
          issuerMsp: r.issuer_msp,
          revision: Number(r.revision),
          blockNumber: Number(r.block_number),
          txId: r.tx_id,
          reasonCode: r.reason_code,
        };
  }

  // ------------------------------------------------------------------ webhooks

  /** Creates a subscription. */
  async createSubscription(
    sub: SubscriptionRow & {
      readonly ownerProvince: string;
      readonly ownerSub: string;
      readonly ownerAgency: string | null;
    },
    secret: string,
  ): Promise<void> {
    await this.tx(async (db) => {
      await db.query(
        `INSERT INTO webhook_subscriptions (id, owner_province, owner_sub, owner_agency, url, secret, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [sub.id, sub.ownerProvince, sub.ownerSub, sub.ownerAgency, sub.url, secret, sub.createdAt],
      );
      for (const id of sub.licenceIds) {
        await db.query(
          'INSERT INTO webhook_subscription_licences (subscription_id, licence_id) VALUES ($1, $2)',
          [sub.id, id],
        );
      }
    });
  }

  /** A page of an owner's subscriptions (newest last), keyset on (created_at, id). */
  async subscriptions(
    ownerProvince: string,
    ownerSub: string,
    limit: number,
    after?: readonly [string, string],
  ): Promise<SubscriptionRow[]> {
    const values: unknown[] = [ownerProvince, ownerSub];
    let cond = '';
    if (after !== undefined) {
      values.push(after[0], after[1]);
      cond = 'AND (s.created_at, s.id) > ($3::timestamptz, $4)';
    }
    values.push(limit);
    const { rows } = await this.pool.query<{
      id: string;
      url: string;
      created_at: Date;
      ids: string[] | null;
    }>(
      `SELECT s.id, s.url, s.created_at, array_agg(sl.licence_id ORDER BY sl.licence_id) AS ids
       FROM webhook_subscriptions s LEFT JOIN webhook_subscription_licences sl ON sl.subscription_id = s.id
       WHERE s.owner_province = $1 AND s.owner_sub = $2 AND s.active ${cond}
       GROUP BY s.id ORDER BY s.created_at, s.id LIMIT $${values.length}`,
      values,
    );
    return rows.map((r) => ({
      id: r.id,
      owner: `${ownerProvince}/${ownerSub}`,
      url: r.url,
      licenceIds: (r.ids ?? []).filter((x) => x !== null),
      createdAt: iso(r.created_at),
    }));
  }

  /** Deactivates a subscription of an owner; false when there is none. */
  async deleteSubscription(id: string, ownerProvince: string, ownerSub: string): Promise<boolean> {
    const res = await this.pool.query(
      `UPDATE webhook_subscriptions SET active = false, updated_at = now()
       WHERE id = $1 AND owner_province = $2 AND owner_sub = $3 AND active`,
      [id, ownerProvince, ownerSub],
    );
    return res.rowCount === 1;
  }

  /** Deliveries of a subscription (newest first). */
  async deliveries(subscriptionId: string, limit: number): Promise<DeliveryRow[]> {
    const { rows } = await this.pool.query<DeliveryDbRow>(
      `SELECT d.*, s.url FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
       WHERE d.subscription_id = $1 ORDER BY d.created_at DESC, d.id DESC LIMIT $2`,
      [subscriptionId, limit],
    );
    return rows.map(toDelivery);
  }

  /** Deliveries due at `now`, oldest first. */
  async dueDeliveries(now: Date, limit: number): Promise<(DeliveryRow & { readonly secret: string })[]> {
    const { rows } = await this.pool.query<DeliveryDbRow & { secret: string }>(
      `SELECT d.*, s.url, s.secret FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
       WHERE d.state = 'pending' AND d.next_at <= $1 AND s.active ORDER BY d.next_at, d.id LIMIT $2`,
      [now.toISOString(), limit],
    );
    return rows.map((r) => ({ ...toDelivery(r), secret: r.secret }));
  }

  /** Records a delivery attempt: delivered, retried at `nextAt`, or given up ('failed'). */
  async recordAttempt(
    id: string,
    outcome: { state: DeliveryRow['state']; status: number | null; error: string | null; nextAt: Date },
  ): Promise<void> {
    await this.pool.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, state = $2, last_status = $3, last_error = $4,
         next_at = $5, delivered_at = CASE WHEN $2 = 'delivered' THEN now() ELSE delivered_at END WHERE id = $1`,
      [
        id,
        outcome.state === 'failed' ? 'dead' : outcome.state,
        outcome.status,
        outcome.error?.slice(0, 500) ?? null,
        outcome.nextAt.toISOString(),
      ],
    );
  }

  // ------------------------------------------------------------------ verification log and replay

  /** Appends a verification to the log. */
  async logVerification(entry: {
    id: string;
    licenceId: string | null;
    issuerMsp: string | null;
    verifierProvince: string;
    verifierAgency: string | null;
    verifierSub: string;
    purpose: string;
    result: string;
    jti: string | null;
    at: string;
  }): Promise<void> {
    await this.pool.query(
      `INSERT INTO verification_log (id, licence_id, issuer_msp, verifier_province, verifier_agency, verifier_sub,
         purpose, result, jti, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entry.id,
        entry.licenceId,
        entry.issuerMsp,
        entry.verifierProvince,
        entry.verifierAgency,
        entry.verifierSub,
        entry.purpose,
        entry.result,
        entry.jti,
        entry.at,
      ],
    );
  }

  /** Verifications of the given licences, newest first, keyset on (at, id). */
  async verificationsOf(
    licenceIds: readonly string[],
    limit: number,
    after?: readonly [string, string],
  ): Promise<VerificationLogRow[]> {
    const values: unknown[] = [licenceIds];
    let cond = '';
    if (after !== undefined) {
      values.push(after[0], after[1]);
      cond = 'AND (at, id) < ($2::timestamptz, $3)';
    }
    values.push(limit);
    const { rows } = await this.pool.query<{
      id: string;
      licence_id: string;
      verifier_province: string;
      verifier_agency: string | null;
      purpose: string;
      result: string;
      at: Date;
    }>(
      `SELECT id, licence_id, verifier_province, verifier_agency, purpose, result, at FROM verification_log
       WHERE licence_id = ANY($1::text[]) ${cond} ORDER BY at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map((r) => ({
      id: r.id,
      licenceId: r.licence_id,
      verifierProvince: r.verifier_province,
      verifierAgency: r.verifier_agency,
      purpose: r.purpose,
      result: r.result,
      at: iso(r.at),
    }));
  }

  /** Records a presentation token id until `expIso`; false when it was already used. */
  async claimJti(jti: string, expIso: string): Promise<boolean> {
    const res = await this.pool.query(
      'INSERT INTO replay (jti, exp) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING',
      [jti, expIso],
    );
    return res.rowCount === 1;
  }

  /** Forgets token ids whose tokens have expired anyway. */
  async pruneReplay(now: Date): Promise<number> {
    const res = await this.pool.query('DELETE FROM replay WHERE exp < $1', [now.toISOString()]);
    return res.rowCount ?? 0;
  }
}

/** One logged verification, as a holder may see it. */
export interface VerificationLogRow {
  readonly id: string;
  readonly licenceId: string;
  readonly verifierProvince: string;
  readonly verifierAgency: string | null;
  readonly purpose: string;
  readonly result: string;
  readonly at: string;
}

interface DeliveryDbRow {
  id: string;
  subscription_id: string;
  url: string;
  payload: unknown;
  attempts: number;
  next_at: Date;
  state: 'pending' | 'delivered' | 'dead';
  last_status: number | null;
}

function toDelivery(r: DeliveryDbRow): DeliveryRow {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    url: r.url,
    payload: JSON.stringify(r.payload),
    attempts: r.attempts,
    nextAt: iso(r.next_at),
    state: r.state === 'dead' ? 'failed' : r.state,
    lastStatus: r.last_status,
  };
}
