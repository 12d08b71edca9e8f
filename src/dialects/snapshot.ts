/**
 * The bookkeeping shared by the dialects' `snapshot` readers: one stream at a time, nothing after the snapshot
 * ended, nothing after a stream left the held connection in an unknown state.
 */
import { PodMigrateError } from '../errors';

export class SnapshotGuard {
  private over = false;
  private streaming = false;
  private brokenBy: string | undefined;
  /** The stream being read, to stop it if the work ends while it is still open. */
  private active: AsyncIterator<unknown> | undefined;

  /** Called when a stream starts reading (its first `next()`): throws when it may not. */
  begin(): void {
    if (this.over) throw new PodMigrateError('DATABASE', 'the snapshot is over: its reader can no longer be used');
    if (this.streaming) {
      throw new PodMigrateError(
        'DATABASE',
        'a snapshot reads one stream at a time: read the open stream to its end (or stop it) before opening another',
      );
    }
    if (this.brokenBy) throw new PodMigrateError('DATABASE', `the snapshot can no longer be read: ${this.brokenBy}`);
    this.streaming = true;
  }

  track(stream: AsyncIterator<unknown>): void {
    this.active = stream;
  }

  /** Called when the stream ends; `brokenBy` says why the held connection can no longer be used, if it cannot. */
  end(brokenBy?: string): void {
    this.streaming = false;
    this.active = undefined;
    if (brokenBy && !this.brokenBy) this.brokenBy = brokenBy;
  }

  /**
   * Ends the snapshot. A stream that its consumer left suspended mid-read is stopped first (its own clean-up runs,
   * so that nothing of it still uses the connection). `leftOpen`: there was one; `clean`: the held connection is
   * in a known state (no stream left open, none stopped midway).
   */
  async close(): Promise<{ leftOpen: boolean; clean: boolean }> {
    this.over = true;
    const leftOpen = this.streaming;
    if (this.active) {
      const active = this.active;
      this.active = undefined;
      try {
        await active.return?.();
      } catch {
        // its error, if any, is not the snapshot's: the snapshot fails anyway
      }
    }
    return { leftOpen, clean: !leftOpen && this.brokenBy === undefined };
  }
}

/** Wraps a stream so that it goes through the guard: `begin` on the first `next()`, `end` however it finishes. */
export async function* guarded<T>(guard: SnapshotGuard, source: () => AsyncIterable<T>): AsyncGenerator<T> {
  guard.begin();
  try {
    const inner = source()[Symbol.asyncIterator]();
    guard.track(inner);
    yield* { [Symbol.asyncIterator]: () => inner };
  } finally {
    guard.end();
  }
}

/** The error of a snapshot whose work resolved while one of its streams was still open. */
export function streamLeftOpen(): PodMigrateError {
  return new PodMigrateError('DATABASE', 'a snapshot stream was still open (neither read to its end nor stopped) when the snapshot ended');
}
