/**
 * A tiny strict reader for untrusted configuration objects: every field is read through it, so
 * unknown keys and wrong types are reported with the path of the offending value.
 */
import { LicenceError } from '@licence-ledger/domain';

/** Throws INVALID_ARGUMENT naming the configuration path at fault. */
export function configError(path: string, message: string, reason = 'invalid'): never {
  throw new LicenceError('INVALID_ARGUMENT', `${path}: ${message}`, { path, reason });
}

/** Reads the keys of a mapping, rejecting keys not in `allowed`. */
export function readObject(
  value: unknown,
  path: string,
  allowed: readonly string[],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    configError(path, 'expected a mapping', 'type');
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key))
      configError(`${path}.${key}`, `unknown key (allowed: ${allowed.join(', ')})`, 'unknown-key');
  }
  return record;
}

/** Reads a string matching `pattern` (when given). */
export function readString(value: unknown, path: string, pattern?: RegExp, hint?: string): string {
  if (typeof value !== 'string' || value.length === 0)
    configError(path, 'expected a non-empty string', 'type');
  if (pattern !== undefined && !pattern.test(value))
    configError(path, hint ?? `must match ${String(pattern)}`, 'format');
  return value;
}

/** Reads an integer within [min, max]. */
export function readInteger(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    configError(path, `expected an integer from ${min} to ${max}`, 'range');
  }
  return value;
}

/** Reads a list, mapping each element with its own path; `minItems` guards against empty lists. */
export function readList<T>(
  value: unknown,
  path: string,
  minItems: number,
  item: (v: unknown, p: string) => T,
): T[] {
  if (!Array.isArray(value)) configError(path, 'expected a list', 'type');
  if (value.length < minItems) configError(path, `expected at least ${minItems} item(s)`, 'range');
  return value.map((v: unknown, i) => item(v, `${path}[${i}]`));
}

/** Throws when two items share a key, naming both positions. */
export function requireUnique<T>(
  items: readonly T[],
  key: (item: T) => string,
  path: (i: number) => string,
  what: string,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item).toLowerCase();
    const first = seen.get(k);
    if (first !== undefined)
      configError(path(i), `duplicate ${what} '${key(item)}' (also at ${path(first)})`, 'duplicate');
    seen.set(k, i);
  });
}
