/** Measuring footprints: presentation tokens with their QR codes, LevelDB records and directories. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import QRCode from 'qrcode';
import { qrInfo } from '../../gateway/src/presentation';
import { round } from './report';

/** A presentation token's size and QR code. */
export interface TokenSize {
  readonly licenceType: string;
  readonly disclosed: readonly string[];
  readonly bytes: number;
  readonly qrAtM: { readonly version: number; readonly modules: number };
  /** What the gateway renders (M unless the token does not fit at M). */
  readonly qrRendered: { readonly version: number; readonly level: string; readonly modules: number };
}

/** The size and QR symbol of `token`. */
export function tokenSize(licenceType: string, disclosed: readonly string[], token: string): TokenSize {
  const atM = QRCode.create(token, { errorCorrectionLevel: 'M' });
  const rendered = qrInfo(token);
  return {
    licenceType,
    disclosed,
    bytes: Buffer.byteLength(token, 'utf8'),
    qrAtM: { version: atM.version, modules: atM.modules.size },
    qrRendered: {
      version: rendered.version,
      level: rendered.errorCorrectionLevel,
      modules: rendered.modules,
    },
  };
}

/** Records of one kind in LevelDB: how many, their key + stored value bytes, their own value bytes. */
export interface KindBytes {
  count: number;
  bytes: number;
  valueBytes: number;
}

/** Total bytes of the files under `dir`. */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await directorySize(path) : (await stat(path)).size;
  }
  return total;
}

/** Logical bytes (key + stored value) by record kind, read straight from LevelDB. */
export async function levelRecords(dir: string): Promise<Record<string, KindBytes>> {
  const db = new ClassicLevel<string, string>(dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
  await db.open();
  const out: Record<string, KindBytes> = {};
  try {
    for await (const [key, value] of db.iterator()) {
      let kind = key.slice(0, 2);
      let valueBytes = Buffer.byteLength(value, 'utf8');
      if (kind === 's:') {
        // State keys are composite keys: \u0000<object type>\u0000<attributes>...
        kind = `s:${key.split('\u0000')[1] ?? '(plain)'}`;
        // The chaincode's own value, as written by putState (stored base64 inside a JSON record).
        valueBytes = Buffer.from((JSON.parse(value) as { v: string }).v, 'base64').length;
      }
      const entry = (out[kind] ??= { count: 0, bytes: 0, valueBytes: 0 });
      entry.count++;
      entry.bytes += Buffer.byteLength(key, 'utf8') + Buffer.byteLength(value, 'utf8');
      entry.valueBytes += valueBytes;
    }
  } finally {
    await db.close();
  }
  return out;
}

/** Readable names of the ledger's record kinds other than state. */
const KIND_NAMES: Record<string, string> = {
  'h:': 'history entries',
  'b:': 'blocks (every transaction with its endorsement and validation code)',
  'x:': 'transaction-ID index',
  'm:': 'ledger metadata',
};

/** Records added per licence, by kind, from snapshot `a` to snapshot `b`. */
export function diffRecords(
  a: Record<string, KindBytes>,
  b: Record<string, KindBytes>,
  licences: number,
): Record<string, { records: number; bytesPerLicence: number }> {
  const out: Record<string, { records: number; bytesPerLicence: number }> = {};
  for (const kind of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const grown = (b[kind]?.bytes ?? 0) - (a[kind]?.bytes ?? 0);
    const records = (b[kind]?.count ?? 0) - (a[kind]?.count ?? 0);
    if (grown === 0 && records === 0) continue;
    out[KIND_NAMES[kind] ?? kind] = { records, bytesPerLicence: round(grown / licences, 1) };
  }
  return out;
}
