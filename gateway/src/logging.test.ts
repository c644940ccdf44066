import { Writable } from 'node:stream';
import { createLogger, isSensitiveKey, REDACTED, scrub, withTxId } from './logging';

function capture(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logging', () => {
  it('redacts personal data and credentials at any depth, keeping other fields', () => {
    const out = capture();
    const log = createLogger({ level: 'info', destination: out.stream, base: { province: 'GuangdongMSP' } });
    log.info(
      {
        licenceId: 'L1',
        fields: { name: '张三', idNumber: '11010519491231002X' },
        nested: { deeper: { phone: '13800000000', salt: 'abc', kept: 1 } },
        list: [{ token: 'eyJ...', status: '01' }],
        req: { headers: { authorization: 'Bearer abc', 'x-request-id': 'r1' } },
        txName: 'licence:IssueLicence',
      },
      'issued',
    );
    const [line] = out.lines();
    const text = JSON.stringify(line);
    for (const secret of ['张三', '11010519491231002X', '13800000000', 'eyJ', 'Bearer abc', '"abc"']) {
      expect(text).not.toContain(secret);
    }
    expect(line).toMatchObject({
      province: 'GuangdongMSP',
      licenceId: 'L1',
      fields: REDACTED,
      nested: { deeper: { phone: REDACTED, salt: REDACTED, kept: 1 } },
      list: [{ token: REDACTED, status: '01' }],
      txName: 'licence:IssueLicence',
      msg: 'issued',
    });
  });

  it('binds transaction ids to child loggers', () => {
    const out = capture();
    withTxId(createLogger({ level: 'info', destination: out.stream }), 'tx-123').info('committed');
    expect(out.lines()[0]).toMatchObject({ txId: 'tx-123', msg: 'committed' });
  });

  it('matches sensitive keys regardless of case and separators', () => {
    for (const k of ['Name', 'id_number', 'ID-NUMBER', 'privateKeyPem', 'Authorization', 'salts']) {
      expect(isSensitiveKey(k)).toBe(true);
    }
    for (const k of ['txName', 'eventName', 'licenceId', 'status', 'kid'])
      expect(isSensitiveKey(k)).toBe(false);
  });

  it('stops at a depth limit instead of recursing forever', () => {
    type Deep = { next?: Deep; v: number };
    const root: Deep = { v: 0 };
    let cur = root;
    for (let i = 1; i < 50; i++) cur = cur.next = { v: i };
    expect(JSON.stringify(scrub(root))).toContain('[depth]');
  });
});
