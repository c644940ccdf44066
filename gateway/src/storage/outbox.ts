/**
 * The outbox: every ledger write is first recorded as an intent, then moved through a closed state
 * machine (intent → prepared → submitted → committed | failed). Repeating the step just taken is a
 * no-op, so recovery after a crash can simply redo the last step; any other move is CONFLICT.
 */
import type { IsoTime, TxName } from '@licence-ledger/domain';
import { LicenceError } from '@licence-ledger/domain';
import type { Queryable } from './db';
import { iso, num, sqlState, UNIQUE_VIOLATION } from './rows';

/** Where an outbox entry stands. */
export type OutboxState = 'intent' | 'prepared' | 'submitted' | 'committed' | 'failed';

/** The business operations that write to the ledger through the outbox. */
export type OutboxKind = 'issue' | 'issueBatch' | 'renew' | 'amend' | 'acceptTransfer';

/** A ledger write to make. */
export interface OutboxIntent {
  readonly id: string;
  readonly kind: OutboxKind;
  readonly txName: TxName;
  readonly args: readonly string[];
  /** The agency whose identity signs, when it matters. */
  readonly agency: string | null;
  readonly licenceIds: readonly string[];
  /** MSP IDs whose peers must endorse; omitted or empty: the chaincode's policy decides. */
  readonly endorsingOrgs?: readonly string[];
}

/** A stored outbox entry. */
export interface OutboxEntry extends OutboxIntent {
  readonly endorsingOrgs: readonly string[];
  readonly state: OutboxState;
  readonly txId: string | null;
  readonly txBytes: Buffer | null;
  readonly blockNumber: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** How many times the entry went back to 'intent' to be prepared again. */
  readonly attempts: number;
  readonly createdAt: IsoTime;
  readonly updatedAt: IsoTime;
}

/** States each state may move to (besides repeating itself). */
export const OUTBOX_TRANSITIONS: { readonly [S in OutboxState]: readonly OutboxState[] } = {
  intent: ['prepared', 'failed'],
  prepared: ['submitted', 'committed', 'failed', 'intent'],
  submitted: ['committed', 'failed', 'intent'],
  committed: [],
  failed: [],
};

interface Row {
  id: string;
  kind: OutboxKind;
  tx_name: TxName;
  args: string[];
  agency: string | null;
  licence_ids: string[];
  endorsing_orgs: string[];
  state: OutboxState;
  tx_id: string | null;
  tx_bytes: Buffer | null;
  block_number: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  created_at: Date;
  updated_at: Date;
}

function toEntry(r: Row): OutboxEntry {
  return {
    id: r.id,
    kind: r.kind,
    txName: r.tx_name,
    args: r.args,
    agency: r.agency,
    licenceIds: r.licence_ids,
    endorsingOrgs: r.endorsing_orgs,
    state: r.state,
    txId: r.tx_id,
    txBytes: r.tx_bytes,
    blockNumber: r.block_number === null ? null : num(r.block_number),
    errorCode: r.error_code,
    errorMessage: r.error_message,
    attempts: r.attempts,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** Outbox repository. */
export interface OutboxRepo {
  /** Records an intent; ALREADY_EXISTS when the id is taken. */
  create(intent: OutboxIntent): Promise<OutboxEntry>;
  get(id: string): Promise<OutboxEntry | undefined>;
  /** intent → prepared, keeping the endorsed transaction so a restart submits the same bytes. */
  markPrepared(id: string, tx: { txId: string; bytes: Buffer }): Promise<OutboxEntry>;
  /** prepared → submitted. */
  markSubmitted(id: string): Promise<OutboxEntry>;
  /** prepared | submitted → committed. */
  markCommitted(id: string, blockNumber: number): Promise<OutboxEntry>;
  /** intent | prepared | submitted → failed, for good. */
  markFailed(id: string, error: { code: string; message: string }): Promise<OutboxEntry>;
  /** prepared | submitted → intent, when the transaction was invalidated (e.g. MVCC) and must be redone. */
  resetToIntent(id: string, error: { code: string; message: string }): Promise<OutboxEntry>;
  /** Entries not yet committed or failed, oldest first. */
  listPending(limit?: number): Promise<OutboxEntry[]>;
  /**
   * Claims up to `limit` unfinished entries that have not moved for `staleAfterMs` before `now`,
   * oldest first, touching them (at `now`) so that no other claim takes them for another
   * `staleAfterMs`: a lease, also between gateway replicas sharing the database. `now` is the
   * gateway's clock while state moves are stamped by the database's: these clocks, and those of the
   * replicas, must agree to well within the limit (minutes).
   */
  claimStale(options: { now: Date; staleAfterMs: number; limit: number }): Promise<OutboxEntry[]>;
}

/** The outbox repository over `db`. */
export function outboxRepo(db: Queryable): OutboxRepo {
  const get = async (id: string): Promise<OutboxEntry | undefined> => {
    const { rows } = await db.query<Row>('SELECT * FROM outbox WHERE id = $1', [id]);
    return rows[0] === undefined ? undefined : toEntry(rows[0]);
  };

  /**
   * Moves `id` to `to` when its state is one of `from`; when it already is in `to` and `same`
   * says the repeat matches, returns it unchanged; otherwise CONFLICT (NOT_FOUND when absent).
   */
  const move = async (
    id: string,
    to: OutboxState,
    set: string,
    values: unknown[],
    same: (e: OutboxEntry) => boolean,
  ): Promise<OutboxEntry> => {
    const from = (Object.keys(OUTBOX_TRANSITIONS) as OutboxState[]).filter((s) =>
      OUTBOX_TRANSITIONS[s].includes(to),
    );
    const { rows } = await db.query<Row>(
      `UPDATE outbox SET state = $2, ${set}, updated_at = date_trunc('milliseconds', now())
       WHERE id = $1 AND state = ANY($3::text[]) RETURNING *`,
      [id, to, from, ...values],
    );
    if (rows[0] !== undefined) return toEntry(rows[0]);
    const current = await get(id);
    if (current === undefined) throw new LicenceError('NOT_FOUND', 'no such outbox entry', { id });
    if (current.state === to && same(current)) return current;
    throw new LicenceError('CONFLICT', `outbox entry cannot go from ${current.state} to ${to}`, {
      id,
      from: current.state,
      to,
    });
  };

  return {
    async create(intent) {
      try {
        const { rows } = await db.query<Row>(
          `INSERT INTO outbox (id, kind, tx_name, args, agency, licence_ids, endorsing_orgs, state)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'intent') RETURNING *`,
          [
            intent.id,
            intent.kind,
            intent.txName,
            JSON.stringify(intent.args),
            intent.agency,
            intent.licenceIds,
            intent.endorsingOrgs ?? [],
          ],
        );
        return toEntry(rows[0]!);
      } catch (err) {
        if (sqlState(err) === UNIQUE_VIOLATION) {
          throw new LicenceError('ALREADY_EXISTS', 'outbox entry already exists', { id: intent.id });
        }
        throw err;
      }
    },
    get,
    markPrepared(id, tx) {
      return move(
        id,
        'prepared',
        'tx_id = $4, tx_bytes = $5',
        [tx.txId, tx.bytes],
        (e) => e.txId === tx.txId,
      );
    },
    markSubmitted(id) {
      return move(id, 'submitted', 'attempts = attempts', [], () => true);
    },
    markCommitted(id, blockNumber) {
      return move(id, 'committed', 'block_number = $4', [blockNumber], (e) => e.blockNumber === blockNumber);
    },
    markFailed(id, error) {
      return move(
        id,
        'failed',
        'error_code = $4, error_message = $5',
        [error.code.slice(0, 64), error.message.slice(0, 1000)],
        () => true,
      );
    },
    resetToIntent(id, error) {
      return move(
        id,
        'intent',
        'tx_id = NULL, tx_bytes = NULL, attempts = attempts + 1, error_code = $4, error_message = $5',
        [error.code.slice(0, 64), error.message.slice(0, 1000)],
        () => false,
      );
    },
    async claimStale({ now, staleAfterMs, limit }) {
      // The cutoff comes from the caller's clock, not the database's now(), so tests can move it.
      const cutoff = new Date(now.getTime() - Math.max(0, staleAfterMs));
      const { rows } = await db.query<Row>(
        `UPDATE outbox SET updated_at = $1::timestamptz
         WHERE id IN (SELECT id FROM outbox WHERE state IN ('intent', 'prepared', 'submitted')
                        AND updated_at <= $2::timestamptz
                      ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now, cutoff, Math.max(1, Math.min(1000, limit))],
      );
      return rows
        .map(toEntry)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },
    async listPending(limit = 100) {
      const { rows } = await db.query<Row>(
        `SELECT * FROM outbox WHERE state IN ('intent', 'prepared', 'submitted')
         ORDER BY created_at, id LIMIT $1`,
        [Math.max(1, Math.min(1000, limit))],
      );
      return rows.map(toEntry);
    },
  };
}
