/**
 * Bounded waits for the real-Fabric suites. A submit returns once the submitting gateway's own peer has
 * committed; the other peers commit the same block on their own, so a test that reads elsewhere waits on
 * that peer's height (a condition), never for a fixed time.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { LedgerPort } from '../../../gateway/src/ledger/port';
import type { FabricTestNetwork } from './support';

/** Time between two height polls: a block takes about 0.3 s to commit here, so a few polls per block. */
const POLL_MS = 50;

/**
 * Resolves once the peer behind `port` has committed block `blockNumber` (its height is above it); rejects
 * after `budgetMs` naming `peerName`, so a lagging peer fails the test with a clear message.
 */
export async function waitForBlock(
  port: LedgerPort,
  blockNumber: number,
  peerName: string,
  budgetMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + budgetMs;
  let height = (await port.chainInfo()).height;
  while (height <= blockNumber) {
    if (Date.now() >= deadline) {
      throw new Error(
        `${peerName}'s peer did not commit block ${blockNumber} within ${budgetMs} ms (height ${height})`,
      );
    }
    await delay(POLL_MS);
    height = (await port.chainInfo()).height;
  }
}

/**
 * Resolves once every province's peer has committed block `blockNumber`: a write that reads what an earlier
 * one wrote may be endorsed by any of them.
 */
export async function waitForAllPeers(
  net: FabricTestNetwork,
  blockNumber: number,
  budgetMs = 30_000,
): Promise<void> {
  await Promise.all(net.provinces.map((p) => waitForBlock(p.port, blockNumber, p.mspId, budgetMs)));
}

/**
 * `work`, or a rejection with `message` if it has not settled within `budgetMs`; `onTimeout` runs first
 * (e.g. to close a stream the work is reading), and the timer never outlives the race.
 */
export async function withinBudget<T>(
  work: Promise<T>,
  budgetMs: number,
  message: string,
  onTimeout?: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new Error(`${message} (budget ${budgetMs} ms)`));
    }, budgetMs);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}
