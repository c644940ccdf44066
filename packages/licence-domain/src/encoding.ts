/**
 * Byte encodings and hashing used across the domain: strict base64url (RFC 4648 §5, no padding)
 * and SHA-256.
 */
import { createHash } from 'node:crypto';
import { fail } from './errors';

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Encodes bytes as unpadded base64url. */
export function b64urlEncode(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64url');
}

/**
 * Decodes unpadded base64url strictly: padding, characters outside the URL-safe alphabet and
 * non-canonical encodings (non-zero trailing bits) are rejected with INVALID_ARGUMENT, so one byte
 * string has exactly one accepted text form.
 */
export function b64urlDecode(text: string): Buffer {
  if (typeof text !== 'string') fail('INVALID_ARGUMENT', 'base64url input must be a string');
  if (!B64URL.test(text))
    fail('INVALID_ARGUMENT', 'base64url input contains a character outside [A-Za-z0-9_-]');
  if (text.length % 4 === 1) fail('INVALID_ARGUMENT', 'base64url input has an impossible length');
  const bytes = Buffer.from(text, 'base64url');
  // Node ignores non-zero bits in the last character; re-encoding exposes them.
  if (bytes.toString('base64url') !== text) fail('INVALID_ARGUMENT', 'base64url input is not canonical');
  return bytes;
}

/** SHA-256 of a UTF-8 string or of bytes. */
export function sha256(data: string | Uint8Array): Buffer {
  return createHash('sha256')
    .update(typeof data === 'string' ? Buffer.from(data, 'utf8') : data)
    .digest();
}

/** base64url SHA-256 of a UTF-8 string or of bytes. */
export function sha256b64url(data: string | Uint8Array): string {
  return sha256(data).toString('base64url');
}
