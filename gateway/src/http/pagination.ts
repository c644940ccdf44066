/**
 * List pagination: `?limit=` (1..100, default 20) and an opaque `?cursor=` naming the position after
 * the last item of the previous page (keyset pagination, so pages stay stable while rows are added).
 */
import { LicenceError } from '@licence-ledger/domain';

/** Default and largest page sizes. */
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
/** Longest cursor accepted (a position is a few short values). */
export const MAX_CURSOR_LENGTH = 512;

/** A keyset position: the sort key values of the last item returned. */
export type CursorPosition = readonly (string | number)[];

/** A parsed page request. */
export interface PageRequest {
  readonly limit: number;
  readonly after: CursorPosition | undefined;
}

/** A page of results as the API returns it. */
export interface PageResponse<T> {
  readonly items: readonly T[];
  /** Present when there may be more items. */
  readonly nextCursor?: string;
}

/** Encodes a position as an opaque cursor (base64url of JSON). */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor}; INVALID_ARGUMENT for anything else. */
export function decodeCursor(cursor: string): CursorPosition {
  const bad = (): never => {
    throw new LicenceError('INVALID_ARGUMENT', 'the cursor is not one this API returned', {
      parameter: 'cursor',
    });
  };
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor))
    return bad();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return bad();
  }
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    value.length > 8 ||
    !value.every(
      (v) => (typeof v === 'string' && v.length <= 200) || (typeof v === 'number' && Number.isFinite(v)),
    )
  ) {
    return bad();
  }
  return value as CursorPosition;
}

/** Reads `limit` and `cursor` from a query object (express's req.query). */
export function parsePageQuery(query: Record<string, unknown>): PageRequest {
  const { limit, cursor } = query;
  let n = DEFAULT_LIMIT;
  if (limit !== undefined) {
    if (
      typeof limit !== 'string' ||
      !/^\d{1,3}$/.test(limit) ||
      Number(limit) < 1 ||
      Number(limit) > MAX_LIMIT
    ) {
      throw new LicenceError('INVALID_ARGUMENT', `limit must be an integer from 1 to ${MAX_LIMIT}`, {
        parameter: 'limit',
      });
    }
    n = Number(limit);
  }
  if (cursor !== undefined && typeof cursor !== 'string') {
    throw new LicenceError('INVALID_ARGUMENT', 'cursor must be given once', { parameter: 'cursor' });
  }
  return { limit: n, after: cursor === undefined ? undefined : decodeCursor(cursor) };
}

/**
 * Builds the page from up to `limit + 1` fetched rows: the extra row only signals that another page
 * exists, and the cursor points after the last row actually returned.
 */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  positionOf: (row: R) => CursorPosition,
  present: (row: R) => T,
): PageResponse<T> {
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  const items = shown.map(present);
  return rows.length > limit && last !== undefined
    ? { items, nextCursor: encodeCursor(positionOf(last)) }
    : { items };
}
