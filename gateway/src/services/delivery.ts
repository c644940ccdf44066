/**
 * What the outgoing deliveries (webhooks, trail notifications) share: a worker that attempts due
 * jobs round after round, and a single POST that never follows a redirect and never throws.
 */

/** The answer to one delivery attempt: an HTTP status, or why there was none. */
export interface PostOutcome {
  readonly status: number | null;
  /** 'HTTP <status>' or the transport error's name (never a message that could echo data). */
  readonly error: string;
}

/** POSTs `body` to exactly `url` (redirects are not followed) within `timeoutMs`. */
export async function postOnce(
  url: string,
  headers: Readonly<Record<string, string>>,
  body: string,
  timeoutMs: number,
): Promise<PostOutcome> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return { status: response.status, error: `HTTP ${response.status}` };
  } catch (e) {
    return { status: null, error: e instanceof Error ? e.name : 'fetch failed' };
  }
}

/**
 * A queue worker: every `pollMs` (after the previous round ends) it claims due jobs and attempts
 * each once, concurrently. A failing round is logged and the loop goes on.
 */
export abstract class DeliveryWorker<Job> {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly pollMs: number,
    private readonly onRoundError: (error: unknown) => void,
  ) {}

  /** Claims up to `limit` due jobs (leased, so no other round takes them meanwhile). */
  protected abstract claim(limit: number): Promise<readonly Job[]>;

  /** Attempts one job and records the outcome; true when it was delivered. */
  protected abstract attempt(job: Job): Promise<boolean>;

  /** Attempts every due job once; returns how many were delivered. */
  async deliverDue(limit = 20): Promise<number> {
    const jobs = await this.claim(limit);
    const outcomes = await Promise.all(jobs.map((job) => this.attempt(job)));
    return outcomes.filter(Boolean).length;
  }

  /** Starts the loop (its first round after `pollMs`); does nothing when it runs already. */
  start(): void {
    if (this.timer !== undefined) return;
    this.stopped = false;
    const tick = (): void => {
      this.running = this.deliverDue().catch(this.onRoundError);
      void this.running.finally(() => {
        if (!this.stopped) {
          this.timer = setTimeout(tick, this.pollMs);
          this.timer.unref();
        }
      });
    };
    this.timer = setTimeout(tick, this.pollMs);
    this.timer.unref();
  }

  /** Stops the loop and waits for a round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
