/**
 * The licence lifecycle suite, written once and run against every set-up that can host the ledger
 * (the embedded ledger, the gateway's HTTP API, a real Fabric network). Each set-up provides a driver.
 */
import { rejectionCode } from '@licence-ledger/domain';
import type { HistoryEntry, LicenceRecord, StatusChangeRequest } from '@licence-ledger/domain';

/** What a set-up must offer the lifecycle suite. Failures are thrown as LicenceError. */
export interface LifecycleDriver {
  /** Issues a fresh licence as an issuer of the home province; returns its identifier. */
  issue(): Promise<string>;
  /** Reads a licence as the home province. */
  read(id: string): Promise<LicenceRecord>;
  /** Changes a licence's status as an issuer of the home province or of another (foreign) province. */
  changeStatus(actor: 'home' | 'foreign', request: StatusChangeRequest): Promise<void>;
  /** The licence's history, oldest first. */
  history(id: string): Promise<readonly HistoryEntry<LicenceRecord>[]>;
  /** Releases whatever the set-up holds. */
  close(): Promise<void>;
}

/** Registers the lifecycle suite under `name` against the driver that `setup` builds. */
export function describeLifecycle(
  name: string,
  setup: () => Promise<LifecycleDriver>,
  timeoutMs = 60_000,
): void {
  describe(`licence lifecycle: ${name}`, () => {
    let driver: LifecycleDriver;
    let id: string;

    beforeAll(async () => {
      driver = await setup();
      id = await driver.issue();
    }, timeoutMs);
    // Closing a set-up (databases, ledger, network connections) is heavy too: the same budget as building it.
    afterAll(async () => {
      await driver?.close();
    }, timeoutMs);

    it('issues a valid licence at revision 1', async () => {
      const record = await driver.read(id);
      expect(record).toMatchObject({ id, status: '01', revision: 1 });
    });

    it('suspends it with a reason', async () => {
      await driver.changeStatus('home', {
        id,
        action: 'suspend',
        reasonCode: 'TRAFFIC_POINTS',
        reasonText: 'points limit reached',
      });
      expect(await driver.read(id)).toMatchObject({
        status: '02',
        statusReasonCode: 'TRAFFIC_POINTS',
        revision: 2,
      });
    });

    it('refuses a second suspension and leaves the record unchanged', async () => {
      const request = { id, action: 'suspend', reasonCode: 'AGAIN', reasonText: 'again' } as const;
      expect(await rejectionCode(driver.changeStatus('home', request))).toBe('ILLEGAL_TRANSITION');
      expect(await driver.read(id)).toMatchObject({ status: '02', revision: 2 });
    });

    it('reinstates it', async () => {
      await driver.changeStatus('home', {
        id,
        action: 'reinstate',
        reasonCode: 'SUSPENSION_ENDED',
        reasonText: 'suspension period over',
      });
      expect(await driver.read(id)).toMatchObject({ status: '01', revision: 3 });
    });

    it('refuses a status change by another province', async () => {
      const request = {
        id,
        action: 'revoke',
        reasonCode: 'FOREIGN',
        reasonText: 'not ours to revoke',
      } as const;
      expect(await rejectionCode(driver.changeStatus('foreign', request))).toBe('ACCESS_DENIED');
      expect(await driver.read(id)).toMatchObject({ status: '01', revision: 3 });
    });

    it('revokes it with the reason on record', async () => {
      await driver.changeStatus('home', {
        id,
        action: 'revoke',
        reasonCode: 'FRAUD',
        reasonText: 'obtained by deception',
      });
      expect(await driver.read(id)).toMatchObject({
        status: '07',
        statusReasonCode: 'FRAUD',
        statusReasonText: 'obtained by deception',
        revision: 4,
      });
    });

    it('keeps a revoked licence revoked', async () => {
      for (const action of ['reinstate', 'suspend', 'cancel'] as const) {
        const request = { id, action, reasonCode: 'RETRY', reasonText: 'try to leave a terminal state' };
        expect(await rejectionCode(driver.changeStatus('home', request))).toBe('TERMINAL_STATE');
      }
      expect(await driver.read(id)).toMatchObject({ status: '07', revision: 4 });
    });

    it('records the whole history in order', async () => {
      const history = await driver.history(id);
      expect(history.map((entry) => entry.value?.status)).toEqual(['01', '02', '01', '07']);
      expect(history.map((entry) => entry.value?.revision)).toEqual([1, 2, 3, 4]);
      expect(new Set(history.map((entry) => entry.txId)).size).toBe(4);
      expect(history.every((entry) => !entry.isDelete)).toBe(true);
    });
  });
}
