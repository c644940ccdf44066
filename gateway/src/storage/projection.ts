/**
 * The status projection: every province's licence statuses as carried by ledger events, and the
 * checkpoint of the event stream. The projection only moves forward: a row changes only for a
 * higher ledger revision, and the checkpoint never goes back, so replayed events are harmless.
 * Call `apply` and `saveCheckpoint` in one transaction (Store.applyLedgerEvents does).
 */
import type { IsoTime, StatusCode } from '@licence-ledger/domain';
import type { Queryable } from './db';
import { iso, num } from './rows';

/** One licence fact from a ledger event. */
export interface ProjectionItem {
  readonly licenceId: string;
  readonly status: StatusCode;
  readonly issuerMsp: string;
  /** The ledger record's revision after the transaction. */
  readonly revision: number;
  readonly reasonCode: string | null;
  readonly typeCode: string | null;
  /** The transaction's timestamp. */
  readonly statusAt: IsoTime;
  readonly blockNumber: number;
  readonly txId: string;
}

/** A projected status. */
export interface ProjectedStatus extends ProjectionItem {
  readonly updatedAt: IsoTime;
}

/** Where an event stream's listener stands: the last block and transaction fully applied. */
export interface Checkpoint {
  readonly blockNumber: number;
  readonly txId: string | null;
}

/** Name of the licence event stream's checkpoint. */
export const DEFAULT_STREAM = 'licences';

interface Row {
  licence_id: string;
  status: StatusCode;
  issuer_msp: string;
  revision: string;
  reason_code: string | null;
  type_code: string | null;
  status_at: Date;
  block_number: string;
  tx_id: string;
  updated_at: Date;
}

function toStatus(r: Row): ProjectedStatus {
  return {
    licenceId: r.licence_id,
    status: r.status,
    issuerMsp: r.issuer_msp,
    revision: num(r.revision),
    reasonCode: r.reason_code,
    typeCode: r.type_code,
    statusAt: iso(r.status_at),
    blockNumber: num(r.block_number),
    txId: r.tx_id,
    updatedAt: iso(r.updated_at),
  };
}

/** Projection repository. */
export interface ProjectionRepo {
  /** Upserts items in order, each only over an older revision; returns how many rows changed. */
  apply(items: readonly ProjectionItem[]): Promise<number>;
  get(licenceId: string): Promise<ProjectedStatus | undefined>;
  getMany(licenceIds: readonly string[]): Promise<ProjectedStatus[]>;
  /** The stream's checkpoint; undefined before the first event. */
  checkpoint(stream?: string): Promise<Checkpoint | undefined>;
  /** Moves the checkpoint forward (never back); returns whether it moved. */
  saveCheckpoint(checkpoint: Checkpoint, stream?: string): Promise<boolean>;
}

/** The projection repository over `db`. */
export function projectionRepo(db: Queryable): ProjectionRepo {
  return {
    async apply(items) {
      let changed = 0;
      for (const i of items) {
        const { rowCount } = await db.query(
          `INSERT INTO status_projection (licence_id, status, issuer_msp, revision, reason_code, type_code,
             status_at, block_number, tx_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (licence_id) DO UPDATE SET status = EXCLUDED.status, issuer_msp = EXCLUDED.issuer_msp,
             revision = EXCLUDED.revision, reason_code = EXCLUDED.reason_code,
             type_code = COALESCE(EXCLUDED.type_code, status_projection.type_code),
             status_at = EXCLUDED.status_at, block_number = EXCLUDED.block_number, tx_id = EXCLUDED.tx_id,
             updated_at = date_trunc('milliseconds', now())
           WHERE status_projection.revision < EXCLUDED.revision`,
          [
            i.licenceId,
            i.status,
            i.issuerMsp,
            i.revision,
            i.reasonCode,
            i.typeCode,
            i.statusAt,
            i.blockNumber,
            i.txId,
          ],
        );
        changed += rowCount ?? 0;
      }
      return changed;
    },
    async get(licenceId) {
      const { rows } = await db.query<Row>('SELECT * FROM status_projection WHERE licence_id = $1', [
        licenceId,
      ]);
      return rows[0] === undefined ? undefined : toStatus(rows[0]);
    },
    async getMany(licenceIds) {
      if (licenceIds.length === 0) return [];
      const { rows } = await db.query<Row>(
        'SELECT * FROM status_projection WHERE licence_id = ANY($1::text[])',
        [licenceIds],
      );
      return rows.map(toStatus);
    },
    async checkpoint(stream = DEFAULT_STREAM) {
      const { rows } = await db.query<{ block_number: string; tx_id: string | null }>(
        'SELECT block_number, tx_id FROM ledger_checkpoint WHERE stream = $1',
        [stream],
      );
      const r = rows[0];
      return r === undefined ? undefined : { blockNumber: num(r.block_number), txId: r.tx_id };
    },
    async saveCheckpoint(checkpoint, stream = DEFAULT_STREAM) {
      const { rowCount } = await db.query(
        `INSERT INTO ledger_checkpoint (stream, block_number, tx_id) VALUES ($1, $2, $3)
         ON CONFLICT (stream) DO UPDATE SET block_number = EXCLUDED.block_number, tx_id = EXCLUDED.tx_id,
           updated_at = date_trunc('milliseconds', now())
         WHERE ledger_checkpoint.block_number <= EXCLUDED.block_number`,
        [stream, checkpoint.blockNumber, checkpoint.txId],
      );
      return (rowCount ?? 0) > 0;
    },
  };
}
