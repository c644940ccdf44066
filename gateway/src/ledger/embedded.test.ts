import {
  EVENT,
  LicenceError,
  TX,
  buildLicenceId,
  commit,
  issuanceStatement,
  saltFields,
  signStatement,
  type IssueRequest,
  type TxName,
  rejectionCode,
} from '@licence-ledger/domain';
import { LedgerClient } from './client';
import type { LedgerEvent, LedgerPort } from './port';
import { GD_DRIVING, startConsortium, type TestConsortium } from './test-consortium';

jest.setTimeout(60_000);

let c: TestConsortium;
beforeAll(async () => {
  c = await startConsortium();
});
afterAll(async () => {
  await c.dispose();
});

function issueRequest(serial: string): IssueRequest {
  const fields = {
    name: '李四',
    licenceNumber: '11010519491231002X',
    licenceClass: 'B2',
    validUntil: '2030-01-01',
  };
  const key = c.ring.active(GD_DRIVING);
  const unsigned = {
    id: buildLicenceId({ typeCode: 'JSZ', issuerUscc: GD_DRIVING, serial, version: 1 }),
    typeCode: 'JSZ',
    issuerUscc: GD_DRIVING,
    kid: key.kid,
    commitment: commit(fields, saltFields(fields)),
    validFrom: '2026-01-01',
    validUntil: '2030-01-01',
  };
  return { ...unsigned, signature: signStatement(issuanceStatement(unsigned), key.privateKey) };
}

describe('embedded LedgerPort', () => {
  it('submits a prepared transaction once and reports the same outcome when it is sent again', async () => {
    const client = c.client(c.issuer);
    const request = issueRequest('2026200001');
    const prepared = await client.prepareIssueLicence(request);
    expect(await c.port.transactionStatus(prepared.txId)).toBeUndefined();
    expect(await client.readLicence(request.id)).toBeNull();

    const first = await c.port.submitPrepared(prepared.bytes);
    expect(first).toMatchObject({ txId: prepared.txId, code: 'VALID' });
    const heightAfter = c.ledger.height();
    const again = await c.port.submitPrepared(prepared.bytes);
    expect(again).toEqual(first);
    expect(c.ledger.height()).toBe(heightAfter);
    expect(await c.port.transactionStatus(prepared.txId)).toEqual({
      code: 'VALID',
      blockNumber: first.blockNumber,
    });
    expect((await client.readLicence(request.id))?.lastTxId).toBe(prepared.txId);
  });

  it('endorses a prepared transaction by the organisations it is told to', async () => {
    const client = c.client(c.issuer);
    // One province of three is no majority: the chaincode-level policy invalidates the transaction.
    const narrow = await c.port.prepare(
      c.issuer,
      TX.IssueLicence,
      [JSON.stringify(issueRequest('2026200010'))],
      {
        endorsingOrgs: ['ZhejiangMSP'],
      },
    );
    expect((await c.port.submitPrepared(narrow.bytes)).code).toBe('ENDORSEMENT_POLICY_FAILURE');
    const request = issueRequest('2026200011');
    const wide = await c.port.prepare(c.issuer, TX.IssueLicence, [JSON.stringify(request)], {
      endorsingOrgs: ['GuangdongMSP', 'ZhejiangMSP'],
    });
    expect((await c.port.submitPrepared(wide.bytes)).code).toBe('VALID');
    expect((await client.readLicence(request.id))?.lastTxId).toBe(wide.txId);
  });

  it('reports chain height and the last block time', async () => {
    const info = await c.port.chainInfo();
    expect(info.height).toBe(c.ledger.height());
    expect(Number.isNaN(Date.parse(info.time ?? ''))).toBe(false);
  });

  it('streams chaincode events from a block on', async () => {
    const { licence } = await c.issue('2026200002');
    const stream = c.port.chaincodeEvents(0);
    const seen: LedgerEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (event.txId === licence.lastTxId) break;
    }
    stream.close();
    const issued = seen.find((e) => e.txId === licence.lastTxId)!;
    expect(issued.eventName).toBe(EVENT.LicenceIssued);
    const payload = JSON.parse(issued.payload.toString()) as { items: { key: string }[] };
    expect(payload.items[0]?.key).toBe(licence.id);
    expect(issued.timestamp).not.toBe('');
  });

  it('raises chaincode refusals as LicenceError with their code', async () => {
    const verifier = c.client(c.provinces.ZhejiangMSP!.verifier);
    expect(await rejectionCode(verifier.issueLicence(issueRequest('2026200003')))).toBe('ACCESS_DENIED');
    expect(
      await rejectionCode(
        c.client(c.issuer).changeStatus({
          id: buildLicenceId({ typeCode: 'JSZ', issuerUscc: GD_DRIVING, serial: '404', version: 1 }),
          action: 'suspend',
          reasonCode: 'X',
          reasonText: '',
        }),
      ),
    ).toBe('NOT_FOUND');
  });
});

describe('LedgerClient', () => {
  it('answers null for records that do not exist', async () => {
    const client = c.client(c.provinces.ZhejiangMSP!.verifier);
    expect(
      await client.readLicence(
        buildLicenceId({ typeCode: 'JSZ', issuerUscc: GD_DRIVING, serial: '999', version: 1 }),
      ),
    ).toBeNull();
    expect(await client.getSigningKey('A'.repeat(22))).toBeNull();
    // A full 43-character thumbprint is no kid (KID_BYTES): the chaincode refuses it, still null.
    expect(await client.getSigningKey('A'.repeat(43))).toBeNull();
    expect(await client.getSigningKey('../etc/passwd')).toBeNull();
    expect(await client.getProvince('NowhereMSP')).toBeNull();
    expect(await client.getLicenceType('NOPE')).toBeNull();
    expect(
      await client.getEffectiveRecognition('BeijingMSP', 'JSZ', 'GuangdongMSP', new Date().toISOString()),
    ).toBeNull();
  });

  it('reads typed registry records', async () => {
    const client = c.client(c.provinces.BeijingMSP!.verifier);
    expect((await client.getProvince('GuangdongMSP'))?.code).toBe('440000');
    expect((await client.getLicenceType('JSZ'))?.nationallyRecognised).toBe(false);
    const kid = c.ring.active(GD_DRIVING).kid;
    expect(await client.getSigningKey(kid)).toMatchObject({ kid, agencyUscc: GD_DRIVING, status: 'active' });
    expect((await client.getAgency(GD_DRIVING))?.provinceMsp).toBe('GuangdongMSP');
    const page = await client.listProvinces({ pageSize: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.bookmark).not.toBe('');
  });

  it('refuses a result of the wrong shape with INTERNAL', async () => {
    const liar: LedgerPort = {
      ...c.port,
      evaluate: () => Promise.resolve(Buffer.from('{"docType":"agency"}')),
    };
    const client = new LedgerClient(liar, c.issuer);
    expect(await rejectionCode(client.readLicence('x'))).toBe('INTERNAL');
    const garbage: LedgerPort = { ...c.port, evaluate: () => Promise.resolve(Buffer.from('not json')) };
    expect(await rejectionCode(new LedgerClient(garbage, c.issuer).getProvince('GuangdongMSP'))).toBe(
      'INTERNAL',
    );
  });

  it('does not turn ledger failures into null', async () => {
    const down: LedgerPort = {
      ...c.port,
      evaluate: () => Promise.reject(new LicenceError('LEDGER_UNAVAILABLE', 'down')),
    };
    expect(await rejectionCode(new LedgerClient(down, c.issuer).readLicence('x'))).toBe('LEDGER_UNAVAILABLE');
    expect(await rejectionCode(new LedgerClient(down, c.issuer).getSigningKey('x'))).toBe(
      'LEDGER_UNAVAILABLE',
    );
  });

  it('hands the endorsing organisations of an accepted transfer to the port', async () => {
    const seen: Array<[string, TxName, unknown]> = [];
    const recording: LedgerPort = {
      ...c.port,
      submit: (_identity, tx, _args, opts) => {
        seen.push(['submit', tx, opts]);
        return Promise.reject(new LicenceError('LEDGER_UNAVAILABLE', 'recorded only'));
      },
      prepare: (_identity, tx, _args, opts) => {
        seen.push(['prepare', tx, opts]);
        return Promise.resolve({ txId: 't', bytes: Buffer.alloc(0) });
      },
    };
    const client = new LedgerClient(recording, c.issuer);
    const req = { predecessorId: 'p', licence: issueRequest('2026200012') };
    const orgs = ['GuangdongMSP', 'ZhejiangMSP'];
    expect(await rejectionCode(client.acceptTransfer(req, orgs))).toBe('LEDGER_UNAVAILABLE');
    await client.prepareAcceptTransfer(req, orgs);
    await client.prepareAcceptTransfer(req);
    expect(seen).toEqual([
      ['submit', TX.AcceptTransfer, { endorsingOrgs: orgs }],
      ['prepare', TX.AcceptTransfer, { endorsingOrgs: orgs }],
      ['prepare', TX.AcceptTransfer, undefined],
    ]);
  });

  it('names every transaction through TX constants (a typo would not compile)', () => {
    expect(TX.GetEffectiveRecognition).toBe('registry:GetEffectiveRecognition');
  });
});
