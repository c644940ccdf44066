/**
 * A clock tests control (used by tests only). It runs at real speed until frozen, so the parts of a
 * test world it does not concern (tokens, ledger timestamps, rows stamped by the database) keep
 * agreeing with it; frozen, it moves only when the test moves it, so a time window is tested by
 * moving the clock to either side of its boundary, never by sleeping.
 */
import type { Clock } from './clock';

/** A clock a test can freeze, move and let run again. */
export interface TestClock extends Clock {
  /** Stops the clock at its current reading, or at `at`. */
  freeze(at?: Date | number): void;
  /** Moves the clock forward by `ms` (it stays frozen or running as it was). */
  advance(ms: number): void;
  /** Runs again at real speed from its reading, never behind the system clock. */
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
      if (frozen === undefined) return;
      // Behind the system clock, rows the database stamps with its own now() would look like the future.
      offsetMs = Math.max(0, frozen - Date.now());
      frozen = undefined;
    },
  });
}
