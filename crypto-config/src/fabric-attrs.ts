/**
 * The Fabric CA attribute extension (ABAC): OID 1.2.3.4.5.6.7.8.1 whose extnValue is the raw JSON
 * bytes `{"attrs":{...}}`, not DER. fabric-shim's ClientIdentity and the Go cid library read it.
 */
import { X509Certificate as NodeCertificate } from 'node:crypto';
import * as x509 from './x509';
import { LicenceError } from '@licence-ledger/domain';

/** The OID Fabric CA uses for enrollment attributes. */
export const FABRIC_ATTR_OID = '1.2.3.4.5.6.7.8.1';

/** Certificate attributes as name → value. */
export type FabricAttrs = Readonly<Record<string, string>>;

const ATTR_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_ATTR_VALUE = 256;

/** Checks attribute names and values, returning a copy. */
export function checkAttrs(attrs: unknown): FabricAttrs {
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) {
    throw new LicenceError('INVALID_ARGUMENT', 'attrs must be an object of string values');
  }
  const out: Record<string, string> = {};
  for (const name of Object.keys(attrs)) {
    const value: unknown = (attrs as Record<string, unknown>)[name];
    // '__proto__' would set the copy's prototype instead of an attribute, silently dropping it.
    if (!ATTR_NAME.test(name) || name === '__proto__')
      throw new LicenceError('INVALID_ARGUMENT', 'attribute name is not allowed', { name });
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ATTR_VALUE) {
      throw new LicenceError('INVALID_ARGUMENT', 'attribute value must be a non-empty short string', {
        name,
      });
    }
    out[name] = value;
  }
  return out;
}

/**
 * Encodes attributes byte-for-byte as Fabric CA does: Go's encoding/json with sorted map keys and
 * HTML-safe escaping of <, >, & and the JavaScript line separators.
 */
export function encodeFabricAttrs(attrs: FabricAttrs): Uint8Array {
  const checked = checkAttrs(attrs);
  // Built by hand: a JS object would list integer-like keys first, whatever order they were added in.
  const members = Object.keys(checked)
    .sort()
    .map((name) => `${JSON.stringify(name)}:${JSON.stringify(checked[name])}`);
  const json = `{"attrs":{${members.join(',')}}}`.replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return new TextEncoder().encode(json);
}

/** The non-critical X.509 extension carrying `attrs`. */
export function fabricAttrsExtension(attrs: FabricAttrs): x509.Extension {
  return new x509.Extension(FABRIC_ATTR_OID, false, encodeFabricAttrs(attrs));
}

/** Reads the attribute extension of a PEM certificate; null when the certificate has none. */
export function readFabricAttrs(certPem: string): FabricAttrs | null {
  let cert: x509.X509Certificate;
  try {
    new NodeCertificate(certPem);
    cert = new x509.X509Certificate(certPem);
  } catch {
    throw new LicenceError('CERTIFICATE_INVALID', 'not a readable PEM certificate');
  }
  const ext = cert.getExtension(FABRIC_ATTR_OID);
  if (ext === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(ext.value));
  } catch {
    throw new LicenceError('CERTIFICATE_INVALID', 'attribute extension is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || !('attrs' in parsed)) {
    throw new LicenceError('CERTIFICATE_INVALID', 'attribute extension has no attrs object');
  }
  try {
    return checkAttrs(parsed.attrs);
  } catch {
    throw new LicenceError('CERTIFICATE_INVALID', 'attribute extension holds malformed attributes');
  }
}
