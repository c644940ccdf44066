import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LicenceError } from '@licence-ledger/domain';
import { MIN_HOLDER_SECRET_BYTES } from './auth/holder-ref';
import { createReceiptSigner } from './keys';
import { loadHolderSecret, loadReceiptKeyPem } from './main';

describe('secret files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'll-main-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the holder secret once (mode 0600, in a new folder) and reads it back afterwards', () => {
    const file = join(dir, 'nested', 'holder-secret');
    const created = loadHolderSecret(file);
    expect(created.length).toBeGreaterThanOrEqual(MIN_HOLDER_SECRET_BYTES);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadHolderSecret(file).equals(created)).toBe(true);
  });

  it('refuses a holder secret file that is too short instead of replacing it', () => {
    const file = join(dir, 'holder-secret');
    writeFileSync(file, Buffer.alloc(16, 7).toString('base64url'));
    let code = 'none';
    try {
      loadHolderSecret(file);
    } catch (err) {
      code = err instanceof LicenceError ? err.code : 'other';
    }
    expect(code).toBe('INVALID_ARGUMENT');
    expect(readFileSync(file, 'utf8')).toBe(Buffer.alloc(16, 7).toString('base64url'));
  });

  it('creates a usable receipt key once and keeps it', async () => {
    const file = join(dir, 'receipt-key.pem');
    const pem = loadReceiptKeyPem(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadReceiptKeyPem(file)).toBe(pem);
    const a = await createReceiptSigner(pem);
    const b = await createReceiptSigner(loadReceiptKeyPem(file));
    expect(b.kid).toBe(a.kid);
  });
});
