/**
 * Shape checks for what the chaincode returns. The ledger is trusted, but a wrong-shaped answer
 * (version skew, a bug) must fail loudly here instead of flowing on as `undefined`s.
 */
import { LicenceError } from '@licence-ledger/domain';

/** Parses a transaction result as JSON; INTERNAL when it is not JSON. */
export function parseResult(bytes: Uint8Array, tx: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    throw new LicenceError('INTERNAL', 'the ledger returned a result that is not JSON', { tx });
  }
}

/** Asserts `value` is an object with `docType` and the given string members; returns it as T. */
export function expectDoc<T>(value: unknown, docType: string, strings: readonly string[], tx: string): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LicenceError('INTERNAL', 'the ledger returned a result of the wrong shape', { tx });
  }
  const record = value as Record<string, unknown>;
  if (record.docType !== docType || strings.some((name) => typeof record[name] !== 'string')) {
    throw new LicenceError('INTERNAL', `the ledger returned something other than a ${docType}`, { tx });
  }
  return value as T;
}

/** Asserts `value` is an array and checks each element. */
export function expectArray<T>(value: unknown, each: (item: unknown) => T, tx: string): T[] {
  if (!Array.isArray(value))
    throw new LicenceError('INTERNAL', 'the ledger returned something other than a list', { tx });
  return value.map(each);
}

/** Asserts `value` is a page {items, bookmark} and checks each item. */
export function expectPage<T>(
  value: unknown,
  each: (item: unknown) => T,
  tx: string,
): { items: T[]; bookmark: string } {
  if (typeof value !== 'object' || value === null) {
    throw new LicenceError('INTERNAL', 'the ledger returned something other than a page', { tx });
  }
  const { items, bookmark } = value as { items?: unknown; bookmark?: unknown };
  if (typeof bookmark !== 'string')
    throw new LicenceError('INTERNAL', 'a ledger page has no bookmark', { tx });
  return { items: expectArray(items, each, tx), bookmark };
}
