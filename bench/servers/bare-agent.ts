/**
 * Agent process hosting the bare baseline endpoint: a plain node:http server that reads the same
 * request the gateway's verify route gets ({token, purpose} JSON with a bearer header), performs one
 * jose ES256 compactVerify of the presentation token with a cached KeyObject, and answers a
 * constant JSON. No ledger, no database, no access-token check, no receipt.
 */
import { createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compactVerify } from 'jose';
import { serveAgent } from '../lib/agent';

/** What the bare agent reports when ready. */
export interface BareAgentReady {
  readonly url: string;
  readonly check: 'compactVerify ES256 (signature only)';
}

const OK = Buffer.from(JSON.stringify({ result: 'SIGNATURE_OK' }));
const BAD = Buffer.from(JSON.stringify({ result: 'INVALID_SIGNATURE' }));

serveAgent(async () => {
  const pem = process.env.BENCH_BARE_KEY_PEM;
  if (pem === undefined || pem === '') throw new Error('BENCH_BARE_KEY_PEM is not set');
  const key = createPublicKey(pem);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let token = '';
      try {
        token = String((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { token?: unknown }).token);
      } catch {
        token = '';
      }
      compactVerify(token, key, { algorithms: ['ES256'] }).then(
        () => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': OK.length });
          res.end(OK);
        },
        () => {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': BAD.length });
          res.end(BAD);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const ready: BareAgentReady = {
    url: `http://127.0.0.1:${port}`,
    check: 'compactVerify ES256 (signature only)',
  };
  return {
    ready,
    handlers: {},
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
});
