/**
 * How errors leave the chaincode. Fabric keeps only an error's message, so every failure is turned
 * into a LicenceError and sent in its wire form (`LLERR {...}`), which the client parses back.
 */
import { LicenceError, isErrorCode } from '@licence-ledger/domain';

/** The LicenceError behind any thrown value; anything unexpected becomes INTERNAL. */
export function asLicenceError(error: unknown): LicenceError {
  if (error instanceof LicenceError) return error;
  // A LicenceError from another copy of the domain package (e.g. compiled vs source) is still one.
  if (error instanceof Error && error.name === 'LicenceError') {
    const { code, details } = error as Error & { code?: unknown; details?: LicenceError['details'] };
    if (isErrorCode(code)) return new LicenceError(code, error.message, details);
  }
  if (error instanceof Error) {
    const carried = LicenceError.fromWire(error.message);
    if (carried !== undefined) return carried;
  }
  const message = error instanceof Error ? error.message.slice(0, 200) : 'non-error value thrown';
  return new LicenceError('INTERNAL', `chaincode internal error: ${message}`);
}

/** The Error the Fabric runtime receives: its message is the LicenceError's wire form. */
export function toFabricError(error: unknown): Error {
  return new Error(asLicenceError(error).toWire());
}
