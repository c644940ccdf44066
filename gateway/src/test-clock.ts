/**
 * A clock tests control (used by tests only). It runs with the system clock until frozen, so the parts
 * of a test world it does not concern (tokens, ledger timestamps, rows stamped by the database) keep
 * agreeing with it; frozen, it moves only when the test moves it, so a time window is tested by
 * moving the clock to either side of its boundary, never by sleeping.
 */
import type { Clock } from './clock';

/** A clock a test can freeze, move and let run with the system clock again. */
export interface TestClock extends Clock {
  /** Stops the clock at its current reading, or at `at`. */
  freeze(at?: Date | number): void;
  /** Moves the clock forward by `ms` (it stays frozen or running as it was). */
  advance(ms: number): void;
  /**
   * Runs with the system clock again, going back if it was moved ahead: the ledger and the identity
   * providers of a test world keep the system's time, and a gateway clock left ahead of theirs makes
   * what it stamps look early to them (a new key's certificate, not valid yet on the ledger).
   */
  resume(): void;
}

/** A test clock, running with the system clock, or frozen at `frozenAt` when given. */
export function testClock(frozenAt?: Date | number): TestClock {
  let frozen: number | undefined = frozenAt === undefined ? undefined : new Date(frozenAt).getTime();
  let offsetMs = 0;
  const reading = (): number => frozen ?? Date.now() + offsetMs;
  return Object.assign(() => new Date(reading()), {
    freeze(at?: Date | number) {
      frozen = at === undefined ? reading() : new Date(at).getTime();
    },
    advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError('a test clock only moves forward');
      if (frozen === undefined) offsetMs += ms;
      else frozen += ms;
    },
    resume() {
      frozen = undefined;
      offsetMs = 0;
    },
  });
}
