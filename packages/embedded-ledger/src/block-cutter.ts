/**
 * Orders committed transactions into blocks, like a single orderer: a block is cut when
 * `maxTxPerBlock` transactions are waiting or `batchTimeoutMs` after the first one arrived
 * (0: on the next turn of the event loop). Blocks are written strictly one after another.
 */

/** Writes one block of items; resolves once the block is durable. */
export type BlockWriterFn<T> = (items: T[]) => Promise<void>;

/** Batches items into blocks and hands each block to the writer in order. */
export class BlockCutter<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private timedOut = false;
  private flushing = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly maxPerBlock: number,
    private readonly timeoutMs: number,
    private readonly write: BlockWriterFn<T>,
  ) {}

  /** Queues an item for the next block. */
  add(item: T): void {
    this.pending.push(item);
    if (this.pending.length >= this.maxPerBlock) this.kick();
    else this.armTimer();
  }

  /** Cuts everything pending now and resolves when all of it is written. */
  async flush(): Promise<void> {
    this.flushing = true;
    this.kick();
    while (this.running) await this.running;
    this.flushing = false;
  }

  /** Stops the batch timer (after a final flush). */
  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
    }
    this.timer = undefined;
  }

  private armTimer(): void {
    if (this.timer) return;
    const fire = () => {
      this.timer = undefined;
      this.timedOut = true;
      this.kick();
    };
    this.timer = this.timeoutMs === 0 ? setImmediate(fire) : setTimeout(fire, this.timeoutMs);
  }

  private ready(): boolean {
    return (
      this.pending.length >= this.maxPerBlock || (this.pending.length > 0 && (this.timedOut || this.flushing))
    );
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.ready()) this.kick();
      else if (this.pending.length > 0) this.armTimer();
    });
  }

  private async drain(): Promise<void> {
    while (this.ready()) {
      const block = this.pending.splice(0, this.maxPerBlock);
      if (this.pending.length === 0) this.timedOut = false;
      // The writer settles each item itself; a failed block must not stop later ones.
      await this.write(block).catch(() => undefined);
    }
  }
}
