/**
 * Control characters are refused at the edge, once, for every route: a request whose path, query
 * or JSON body carries one never reaches a handler, so no text with a NUL (which PostgreSQL cannot
 * store) or another control character gets to storage, the ledger, a log line or a notification.
 *
 * The rule: path, query parameters (names and values) and property names of JSON bodies carry no C0
 * control character (U+0000 to U+001F) and no DEL (U+007F). String values of JSON bodies may carry
 * TAB, LF and CR, since free text (a reason, a note, a licence field such as an address) can be
 * multi-line; every other C0 control and DEL is refused there too. Fields that must be one line
 * (codes, dates, identifiers) are narrowed further by their schemas and domain validators.
 * The answer is 400 INVALID_ARGUMENT naming where (never echoing the value).
 */
import type { RequestHandler } from 'express';
import { LicenceError, fieldErrorDetails } from '@licence-ledger/domain';
import type { FieldError } from '@licence-ledger/domain';

/**
 * A control character in a raw, percent-encoded path, as %00-%1F or %7F (literal ones are checked
 * separately). These bytes only ever encode themselves in UTF-8 (never part of a multi-byte
 * sequence), so no decoding is needed.
 */
const ESCAPED_CONTROL = /%(?:[01][0-9a-f]|7f)/i;

/** Most problems reported for one body. */
const MAX_REPORTED = 20;

/** True when `value` has a character no path, query parameter or property name may carry. */
export function hasControlCharacter(value: string): boolean {
  return findControl(value, false);
}

/** True when `value` has a character no JSON string value may carry (TAB, LF and CR are allowed). */
export function hasControlCharacterInText(value: string): boolean {
  return findControl(value, true);
}

function findControl(value: string, text: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x20 && c !== 0x7f) continue;
    if (text && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
    return true;
  }
  return false;
}

/** Middleware refusing requests that carry control characters; mount after the body parser, before the routers. */
export const rejectControlCharacters: RequestHandler = (req, _res, next) => {
  if (ESCAPED_CONTROL.test(req.path) || hasControlCharacter(req.path)) {
    throw new LicenceError('INVALID_ARGUMENT', 'the path contains a control character', { in: 'path' });
  }
  const query = req.query as Record<string, unknown>;
  for (const [name, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (hasControlCharacter(name) || values.some((v) => typeof v === 'string' && hasControlCharacter(v))) {
      throw new LicenceError('INVALID_ARGUMENT', 'a query parameter contains a control character', {
        in: 'query',
        // The name is reported only when it is itself printable.
        ...(hasControlCharacter(name) ? {} : { parameter: name.slice(0, 64) }),
      });
    }
  }
  const errors = bodyControlCharacters(req.body);
  if (errors.length > 0) {
    const shown = errors.slice(0, MAX_REPORTED);
    throw new LicenceError('INVALID_ARGUMENT', 'the request body contains a control character', {
      in: 'body',
      ...fieldErrorDetails(shown),
    });
  }
  next();
};

/**
 * Where a parsed JSON body has control characters, as JSON pointers: a string value with one, or
 * an object with a property name that has one (reported at the object, so the name is not echoed).
 * Walks with an explicit stack: a body may nest deeper than the call stack allows.
 */
export function bodyControlCharacters(body: unknown): FieldError[] {
  const out: FieldError[] = [];
  const stack: Array<{ value: unknown; pointer: string }> = [{ value: body, pointer: '' }];
  while (stack.length > 0 && out.length <= MAX_REPORTED) {
    const { value, pointer } = stack.pop()!;
    if (typeof value === 'string') {
      if (hasControlCharacterInText(value)) {
        out.push({ path: pointer === '' ? '/' : pointer, message: 'contains a control character' });
      }
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], pointer: `${pointer}/${i}` });
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.some(([key]) => hasControlCharacter(key))) {
        out.push({
          path: pointer === '' ? '/' : pointer,
          message: 'has a property name with a control character',
        });
      }
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        if (hasControlCharacter(key)) continue;
        stack.push({ value: child, pointer: `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` });
      }
    }
  }
  return out;
}
