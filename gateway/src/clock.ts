/**
 * The one source of time for everything in the gateway with a time window (outbox recovery's stale
 * limit, the status and registry caches, remembered access tokens, rate limits, retry backoff,
 * presentation lifetimes). It is passed in through each component's deps or options, so tests move
 * it instead of sleeping and a window's verdict never depends on how fast the machine is.
 */

/** Reads the current time. */
export type Clock = () => Date;

/** The system clock: what every component uses unless it is given another one. */
export const systemClock: Clock = () => new Date();
