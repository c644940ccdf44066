/**
 * Chaincode-as-a-service packages. A package holds no code, only where the chaincode server listens; its ID is
 * its label plus the SHA-256 of the archive's bytes, so the archive is written deterministically (fixed
 * order, owner, mode and time, and gzip with no name or time): the same content always gives the same ID.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** One file of a tar archive. */
export interface TarEntry {
  readonly name: string;
  readonly content: Buffer;
}

const BLOCK = 512;

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

/** A POSIX ustar archive of regular files, sorted by name, owned by 0:0, mode 0644, time 0. */
export function tar(entries: readonly TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (Buffer.byteLength(entry.name) > 100) throw new Error(`tar: name too long: ${entry.name}`);
    const header = Buffer.alloc(BLOCK);
    header.write(entry.name, 0, 100, 'utf8');
    header.write(octal(0o644, 8), 100, 'ascii');
    header.write(octal(0, 8), 108, 'ascii');
    header.write(octal(0, 8), 116, 'ascii');
    header.write(octal(entry.content.length, 12), 124, 'ascii');
    header.write(octal(0, 12), 136, 'ascii');
    header.write('        ', 148, 'ascii'); // checksum field counts as spaces while summing
    header.write('0', 156, 'ascii');
    header.write('ustar\0', 257, 'ascii');
    header.write('00', 263, 'ascii');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(octal(sum, 7) + ' ', 148, 'ascii');
    parts.push(header, entry.content);
    const pad = (BLOCK - (entry.content.length % BLOCK)) % BLOCK;
    if (pad > 0) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}

/** gzip with a zero time field and no file name (Node writes neither), at a fixed level. */
export const gzip = (data: Buffer): Buffer => gzipSync(data, { level: 9 });

/** Where the peer should dial the chaincode server. */
export interface ConnectionInfo {
  readonly address: string;
  readonly dialTimeout: string;
  readonly tlsRequired: boolean;
}

/** The package archive (the .tar.gz that `peer lifecycle chaincode install` takes). */
export function ccaasPackage(label: string, connection: ConnectionInfo): Buffer {
  const connectionJson = JSON.stringify({
    address: connection.address,
    dial_timeout: connection.dialTimeout,
    tls_required: connection.tlsRequired,
  });
  const code = gzip(tar([{ name: 'connection.json', content: Buffer.from(connectionJson) }]));
  const metadata = JSON.stringify({ type: 'ccaas', label });
  return gzip(
    tar([
      { name: 'code.tar.gz', content: code },
      { name: 'metadata.json', content: Buffer.from(metadata) },
    ]),
  );
}

/** The package ID the peer will compute: `<label>:<sha256 of the archive>`. */
export function ccaasPackageId(label: string, archive: Buffer): string {
  return `${label}:${createHash('sha256').update(archive).digest('hex')}`;
}
