import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ccaasPackage, ccaasPackageId, tar } from './chaincode-package';

const connection = { address: '127.0.0.1:7153', dialTimeout: '10s', tlsRequired: false };

describe('chaincode-as-a-service packages', () => {
  it('are byte-identical for the same content, so the package ID is stable', () => {
    const a = ccaasPackage('licence-ledger_1', connection);
    const b = ccaasPackage('licence-ledger_1', connection);
    expect(a.equals(b)).toBe(true);
    expect(ccaasPackageId('licence-ledger_1', a)).toMatch(/^licence-ledger_1:[0-9a-f]{64}$/);
    const other = ccaasPackage('licence-ledger_1', { ...connection, address: '127.0.0.1:7163' });
    expect(ccaasPackageId('licence-ledger_1', other)).not.toBe(ccaasPackageId('licence-ledger_1', a));
  });

  it('hold metadata.json and code.tar.gz with connection.json, readable by the system tar', () => {
    const dir = mkdtempSync(join(tmpdir(), 'll-pkg-'));
    try {
      writeFileSync(join(dir, 'pkg.tar'), gunzipSync(ccaasPackage('licence-ledger_2', connection)));
      expect(execFileSync('tar', ['-tf', join(dir, 'pkg.tar')], { encoding: 'utf8' }).split('\n')).toEqual([
        'code.tar.gz',
        'metadata.json',
        '',
      ]);
      execFileSync('tar', ['-xf', join(dir, 'pkg.tar'), '-C', dir]);
      expect(JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8'))).toEqual({
        type: 'ccaas',
        label: 'licence-ledger_2',
      });
      writeFileSync(join(dir, 'code.tar'), gunzipSync(readFileSync(join(dir, 'code.tar.gz'))));
      execFileSync('tar', ['-xf', join(dir, 'code.tar'), '-C', dir]);
      expect(JSON.parse(readFileSync(join(dir, 'connection.json'), 'utf8'))).toEqual({
        address: '127.0.0.1:7153',
        dial_timeout: '10s',
        tls_required: false,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes tar entries in name order whatever order they are given in', () => {
    const x = { name: 'b', content: Buffer.from('2') };
    const y = { name: 'a', content: Buffer.from('1') };
    expect(tar([x, y]).equals(tar([y, x]))).toBe(true);
    expect(() => tar([{ name: 'n'.repeat(101), content: Buffer.alloc(0) }])).toThrow(/too long/);
  });
});
