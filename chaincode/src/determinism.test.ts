/**
 * Every write transaction, run on two fresh ledgers with the same transaction ids and timestamps but
 * different wall clocks and Math.random, must produce byte-identical write sets, results and events:
 * otherwise endorsing peers would disagree on a real network.
 */
import { TX } from '@licence-ledger/domain';
import type { IssueRequest, TxName } from '@licence-ledger/domain';
import type {
  ChaincodeEventRecord,
  EndorsedTransaction,
  LedgerIdentity,
} from '@licence-ledger/embedded-ledger';
import {
  AGENCIES,
  BJ,
  CONSORTIUM_START_MS,
  Consortium,
  GD,
  GD_DRIVING,
  GD_MARKET,
  ZJ,
  ZJ_DRIVING,
  consortiumPki,
} from './test-support';

/** One step: who calls what with which arguments (which may depend on earlier transactions). */
type Step = (c: Consortium, done: readonly EndorsedTransaction[]) => [LedgerIdentity, TxName, unknown[]];

/** Issue requests are made once (their salts are random) and replayed on both ledgers. */
interface Requests {
  first: IssueRequest;
  batch: IssueRequest[];
  renewed: IssueRequest;
  amended: IssueRequest;
  incoming: IssueRequest;
}

function requests(c: Consortium): Requests {
  return {
    first: c.signedLicence(GD_DRIVING, { serial: 'D1' }).request,
    batch: ['D2', 'D3', 'D4'].map((serial) => c.signedLicence(GD_MARKET, { serial }).request),
    renewed: c.signedLicence(GD_DRIVING, { serial: 'D5' }).request,
    amended: c.signedLicence(GD_DRIVING, { serial: 'D5', version: 2 }).request,
    incoming: c.signedLicence(ZJ_DRIVING, { serial: 'D6' }).request,
  };
}

function scenario(r: Requests): Step[] {
  const change = (id: string, action: string, reasonText = '') => [
    { id, action, reasonCode: 'DET', reasonText },
  ];
  const last = (done: readonly EndorsedTransaction[]) => done[done.length - 1]!.txId;
  return [
    (c) => [c.admin(GD), TX.Bootstrap, [c.bootstrapInput(3600)]],
    ...AGENCIES.map<Step>((a) => (c) => [
      c.admin(a.provinceMsp),
      TX.RegisterAgency,
      [{ uscc: a.uscc, name: a.name, licenceTypes: a.licenceTypes }],
    ]),
    ...AGENCIES.map<Step>((a) => (c) => [
      c.admin(a.provinceMsp),
      TX.RegisterSigningKey,
      [{ agencyUscc: a.uscc, certificatePem: c.agency(a.uscc).key.certPem }],
    ]),
    (c) => [
      c.admin(GD),
      TX.ProposeLicenceType,
      [
        {
          code: 'PC01',
          name: '执业证书',
          holderKind: 'person',
          fields: [{ name: 'holderName', type: 'string', required: true, personal: true }],
          nationallyRecognised: true,
        },
      ],
    ],
    (c, done) => [c.admin(ZJ), TX.ApproveProposal, [last(done)]],
    (c) => [
      c.admin(GD),
      TX.ProposeProvince,
      [{ code: '310000', mspId: 'ShanghaiMSP', name: '上海市', signingCaPem: c.pki.rogueCa.certPem }],
    ],
    (c, done) => [c.admin(BJ), TX.ApproveProposal, [last(done)]],
    (c) => [
      c.admin(ZJ),
      TX.PublishRecognitionRule,
      [{ typeCode: 'DL01', issuingMsps: ['*'], effectiveFrom: c.nextTime() }],
    ],
    (c) => [c.issuer(GD_DRIVING), TX.IssueLicence, [r.first]],
    (c) => [c.issuer(GD_MARKET), TX.IssueLicenceBatch, [r.batch]],
    (c) => [c.issuer(GD_DRIVING), TX.ChangeStatus, change(r.first.id, 'suspend')],
    (c) => [c.issuer(GD_DRIVING), TX.ChangeStatus, change(r.first.id, 'reinstate')],
    (c) => [c.admin(GD), TX.ChangeStatus, change(r.batch[0]!.id, 'other', '系统迁移')],
    (c) => [c.issuer(GD_MARKET), TX.ChangeStatus, change(r.batch[1]!.id, 'revoke')],
    (c) => [c.issuer(GD_DRIVING), TX.RenewLicence, [{ predecessorId: r.first.id, licence: r.renewed }]],
    (c) => [c.issuer(GD_DRIVING), TX.AmendLicence, [{ predecessorId: r.renewed.id, licence: r.amended }]],
    (c) => [
      c.issuer(GD_DRIVING),
      TX.TransferOut,
      [{ id: r.amended.id, toMsp: ZJ, reasonCode: 'MOVED', reasonText: '' }],
    ],
    (c) => [c.issuer(GD_DRIVING), TX.CancelTransfer, [r.amended.id]],
    (c) => [
      c.issuer(GD_DRIVING),
      TX.TransferOut,
      [{ id: r.amended.id, toMsp: ZJ, reasonCode: 'MOVED', reasonText: '' }],
    ],
    (c) => [c.issuer(ZJ_DRIVING), TX.AcceptTransfer, [{ predecessorId: r.amended.id, licence: r.incoming }]],
    (c) => [
      c.admin(GD),
      TX.RotateSigningKey,
      [{ oldKid: c.agency(GD_DRIVING).key.kid, certificatePem: c.agency(GD_DRIVING).spareKey.certPem }],
    ],
    (c) => [
      c.admin(GD),
      TX.MarkKeyCompromised,
      [{ kid: c.agency(GD_DRIVING).key.kid, compromisedAt: c.nextTime() }],
    ],
    (c) => [c.admin(ZJ), TX.RetireSigningKey, [c.agency(ZJ_DRIVING).key.kid]],
    (c) => [c.admin(BJ), TX.RetireAgency, ['11110105MB1E72869P']],
  ];
}

interface Run {
  txs: EndorsedTransaction[];
  events: ChaincodeEventRecord[];
  wallClock: number;
}

async function runOnFreshLedger(steps: Step[], fakeNow: string, random: number): Promise<Run> {
  jest.useFakeTimers({
    now: new Date(fakeNow),
    doNotFake: [
      'nextTick',
      'setImmediate',
      'clearImmediate',
      'setTimeout',
      'clearTimeout',
      'setInterval',
      'clearInterval',
      'queueMicrotask',
      'hrtime',
      'performance',
    ],
  });
  const randomSpy = jest.spyOn(Math, 'random').mockReturnValue(random);
  const c = await Consortium.start({ bootstrap: false, seed: 'determinism' });
  try {
    const txs: EndorsedTransaction[] = [];
    for (const step of steps) {
      const [identity, txName, args] = step(c, txs);
      const tx = await c.endorse(identity, txName, args);
      expect({ txName, code: (await c.commit(tx)).code }).toEqual({ txName, code: 'VALID' });
      txs.push(tx);
    }
    const events: ChaincodeEventRecord[] = [];
    const stream = c.ledger.chaincodeEvents({ startBlock: 0 });
    for await (const event of stream) {
      events.push(event);
      if (events.length === txs.length) break;
    }
    stream.close();
    return { txs, events, wallClock: Date.now() };
  } finally {
    await c.dispose();
    randomSpy.mockRestore();
    jest.useRealTimers();
  }
}

// Three consortia (one signs the requests, two run every write transaction), each its start's budget.
jest.setTimeout(3 * CONSORTIUM_START_MS);

describe('determinism', () => {
  it('gives identical writes, results and events on two ledgers with different clocks and randomness', async () => {
    // Build the PKI and the signed requests before any clock is faked.
    await consortiumPki();
    const template = await Consortium.start({ bootstrap: false, seed: 'template' });
    const r = requests(template);
    await template.dispose();
    const steps = scenario(r);

    const a = await runOnFreshLedger(steps, '2027-03-01T08:00:00.000Z', 0.0001);
    const b = await runOnFreshLedger(steps, '2031-07-15T20:30:00.000Z', 0.9999);
    expect(a.wallClock).not.toBe(b.wallClock);

    expect(a.txs).toHaveLength(steps.length);
    expect(a.txs.map((t) => t.txName)).toEqual(
      expect.arrayContaining(Object.values(TX).filter((name) => !isRead(name))),
    );
    for (const [i, txA] of a.txs.entries()) {
      const txB = b.txs[i]!;
      expect(txA.writeSet.length).toBeGreaterThan(0);
      expect(txB.txId).toBe(txA.txId);
      expect(Buffer.compare(serialiseWrites(txB), serialiseWrites(txA))).toBe(0);
      expect(txB.result.equals(txA.result)).toBe(true);
      expect(txB.event?.name).toBe(txA.event?.name);
      expect(txB.event?.payload.equals(txA.event!.payload)).toBe(true);
      expect(txB.toBytes().equals(txA.toBytes())).toBe(true);
    }
    expect(a.events).toHaveLength(steps.length);
    expect(b.events.map((e) => [e.txId, e.eventName, e.payload.toString('base64')])).toEqual(
      a.events.map((e) => [e.txId, e.eventName, e.payload.toString('base64')]),
    );
  });
});

function isRead(name: TxName): boolean {
  return /:(Get|List|Read)/.test(name);
}

function serialiseWrites(tx: EndorsedTransaction): Buffer {
  return Buffer.from(
    JSON.stringify({
      writes: tx.writeSet.map((w) => [w.key, w.isDelete, w.value.toString('base64')]),
      metadata: tx.metadataWrites.map((m) => [
        m.key,
        m.entries.map((e) => [e.name, e.value.toString('base64')]),
      ]),
    }),
  );
}
