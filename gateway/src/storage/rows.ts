/** Small conversions shared by the repositories: pg values to the typed rows they return. */
import type { QueryResultRow } from 'pg';
import type { IsoTime } from '@licence-ledger/domain';
import type { Queryable } from './db';

/** A keyset position: (created time, id) of the last row of the previous page. */
export type Keyset = readonly [IsoTime, string];

/** What list calls take: how many rows, and where the previous page ended. */
export interface KeysetPage {
  readonly limit: number;
  readonly after?: Keyset;
}

/** A page of rows and, when more may follow, where it ended. */
export interface Paged<T> {
  readonly items: T[];
  readonly next: Keyset | undefined;
}

/** Largest page any list returns. */
export const MAX_ROWS = 100;

/** Clamps a requested page size to 1..MAX_ROWS. */
export function pageSize(limit: number): number {
  return Math.max(1, Math.min(MAX_ROWS, Math.floor(limit)));
}

/** Cuts `limit + 1` fetched rows into a page (the extra row only says another page exists). */
export function toPaged<T>(rows: T[], limit: number, keyOf: (row: T) => Keyset): Paged<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.length > limit && last !== undefined ? keyOf(last) : undefined };
}

/** A keyset-paginated query: a SELECT whose WHERE clause uses parameters $1…$n (`values`). */
export interface KeysetQuery {
  /** `SELECT … FROM … WHERE …`, without ORDER BY or LIMIT. */
  readonly sql: string;
  readonly values: readonly unknown[];
  /** The timestamptz column and the id column that order the rows (SQL, not client input). */
  readonly time: string;
  readonly id: string;
  readonly descending: boolean;
}

/** Runs one page of `q` from where `page` says the previous one ended. */
export async function keysetPage<R extends QueryResultRow, T>(
  db: Queryable,
  q: KeysetQuery,
  page: KeysetPage,
  toItem: (row: R) => T,
  keyOf: (item: T) => Keyset,
): Promise<Paged<T>> {
  const limit = pageSize(page.limit);
  const params = [...q.values];
  let keyset = '';
  if (page.after !== undefined) {
    params.push(page.after[0], page.after[1]);
    const beyond = q.descending ? '<' : '>';
    keyset = ` AND (${q.time}, ${q.id}) ${beyond} ($${params.length - 1}::timestamptz, $${params.length})`;
  }
  params.push(limit + 1);
  const dir = q.descending ? 'DESC' : 'ASC';
  const { rows } = await db.query<R>(
    `${q.sql}${keyset} ORDER BY ${q.time} ${dir}, ${q.id} ${dir} LIMIT $${params.length}`,
    params,
  );
  return toPaged(rows.map(toItem), limit, keyOf);
}

/** pg returns timestamptz as Date; rows carry ISO strings. */
export function iso(value: Date | string): IsoTime {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** Same as {@link iso}, keeping null. */
export function isoOrNull(value: Date | string | null): IsoTime | null {
  return value === null ? null : iso(value);
}

/** pg returns int8 as a string; our block numbers and revisions fit in a double. */
export function num(value: string | number): number {
  return typeof value === 'number' ? value : Number(value);
}

/** pg returns `date` as a local-midnight Date; rows carry YYYY-MM-DD. */
export function isoDate(value: Date | string): string {
  if (typeof value === 'string') return value.slice(0, 10);
  const y = value.getFullYear().toString().padStart(4, '0');
  const m = (value.getMonth() + 1).toString().padStart(2, '0');
  const d = value.getDate().toString().padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** Postgres SQLSTATE of a driver error, if any. */
export function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Where a queued delivery stands (webhook deliveries and trail notifications alike). */
export interface DeliveryProgress {
  readonly state: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly nextAt: IsoTime;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly deliveredAt: IsoTime | null;
}

/** The delivery bookkeeping columns as pg returns them. */
export interface DeliveryProgressRow {
  state: DeliveryProgress['state'];
  attempts: number;
  next_at: Date;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
}

/** The delivery bookkeeping of a queue row. */
export function progressOf(r: DeliveryProgressRow): DeliveryProgress {
  return {
    state: r.state,
    attempts: r.attempts,
    nextAt: iso(r.next_at),
    lastStatus: r.last_status,
    lastError: r.last_error,
    deliveredAt: isoOrNull(r.delivered_at),
  };
}

/** SQLSTATE for a unique-constraint violation. */
export const UNIQUE_VIOLATION = '23505';
