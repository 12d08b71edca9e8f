/**
 * One bulk write in flight while the engine reads and converts the next batch: the server writes batch N while
 * this process parses batch N+1 (on 2 CPUs, both work at once instead of in turn). At most one write at a time:
 * the next one starts only after the previous one ended, so the connection never sees two statements at once and
 * memory holds at most two batches. A failed write is kept and thrown by the next `drain` (never an unhandled
 * rejection meanwhile).
 */
export class WriteAhead {
  private pending: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;

  /** Waits for the write in flight (throwing its error), then starts `write` without waiting for it. */
  async start(write: () => Promise<void>): Promise<void> {
    await this.drain();
    this.pending = write().catch((error: unknown) => {
      this.failure = { error };
    });
  }

  /** Waits for the write in flight; throws its error. */
  async drain(): Promise<void> {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) await pending;
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure.error;
  }

  /** Waits for the write in flight and forgets its outcome (the caller is already failing with another error). */
  async settle(): Promise<void> {
    await this.pending;
    this.pending = undefined;
    this.failure = undefined;
  }
}
