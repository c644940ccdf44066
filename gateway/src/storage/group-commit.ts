/**
 * Group commit: concurrent callers' small writes are gathered into one database round trip. A
 * caller's promise settles only when the write that carries its item has committed (or failed), so
 * nothing is acknowledged before it is durable. There is no timer: the first item is written at
 * once, and items arriving while a write is in flight wait for it and go together in the next one.
 * An idle gateway therefore pays no added latency, and a busy one pays one round trip per batch
 * instead of one per request. This matters most for the embedded PGlite server, which runs one
 * statement at a time.
 *
 * When a batch of several items fails, each of its items is written again on its own, so one bad
 * item (a constraint it breaks) fails only its own caller. That is safe because a batch write is
 * all or nothing: the failed batch left nothing behind.
 */

/**
 * Writes a batch all or nothing (one statement or one transaction); answers one output per input,
 * in the same order.
 */
export type BatchWriter<I, O> = (items: readonly I[]) => Promise<readonly O[]>;

interface Waiting<I, O> {
  readonly item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/** Largest batch written in one round trip by default (bounds a statement's parameter arrays). */
export const DEFAULT_MAX_BATCH = 256;

/** Gathers concurrent submissions into batches for `write`. */
export class GroupCommit<I, O> {
  private queue: Waiting<I, O>[] = [];
  private writing = false;

  /** `maxBatch` bounds how many items one write carries. */
  constructor(
    private readonly write: BatchWriter<I, O>,
    private readonly maxBatch = DEFAULT_MAX_BATCH,
  ) {
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new RangeError('maxBatch must be a positive integer');
  }

  /** Resolves with the item's output once the batch carrying it has been written. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  /** Items waiting for the next write (for metrics and tests). */
  get pending(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, this.maxBatch);
        this.queue = this.queue.slice(batch.length);
        await this.writeBatch(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async writeBatch(batch: readonly Waiting<I, O>[]): Promise<void> {
    let outputs: readonly O[];
    try {
      outputs = await this.write(batch.map((w) => w.item));
      if (outputs.length !== batch.length) {
        throw new Error(`a batch write answered ${outputs.length} results for ${batch.length} items`);
      }
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const w of batch) await this.writeBatch([w]);
      return;
    }
    batch.forEach((w, i) => w.resolve(outputs[i] as O));
  }
}
