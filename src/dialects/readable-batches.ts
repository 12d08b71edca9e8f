/**
 * A Readable's objects, handed over as many as it holds at a time: one await per batch instead of one per row.
 * Verify reads millions of rows, and every await costs promises — more still once slonik's AsyncLocalStorage has
 * turned on Node's promise hooks for the whole process.
 */
import type { Readable } from 'node:stream';

/** Wakes a consumer that waits for its source's next event (a row, the end, an error). */
export class Signal {
  private resolve: (() => void) | undefined;

  readonly notify = (): void => {
    const resolve = this.resolve;
    this.resolve = undefined;
    resolve?.();
  };

  /** Resolves at the next `notify`. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.resolve = resolve;
    });
  }
}

export async function* readableBatches(stream: Readable): AsyncGenerator<unknown[]> {
  let ended = false;
  let failure: { error: unknown } | undefined;
  const signal = new Signal();
  const notify = signal.notify;
  const onEnd = () => {
    ended = true;
    notify();
  };
  const onError = (error: unknown) => {
    failure ??= { error };
    notify();
  };
  // Closed before its end without an error: the rows stopped coming (as stream.finished() reports it).
  const onClose = () => {
    if (!ended) failure ??= { error: new Error('the result stream closed before its end') };
    notify();
  };
  stream.on('readable', notify);
  stream.on('end', onEnd);
  stream.on('error', onError);
  stream.on('close', onClose);
  try {
    for (;;) {
      const batch: unknown[] = [];
      for (let row = stream.read(); row !== null; row = stream.read()) batch.push(row);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failure) throw failure.error;
      if (ended) return;
      await signal.next();
    }
  } finally {
    stream.off('readable', notify);
    stream.off('end', onEnd);
    stream.off('error', onError);
    stream.off('close', onClose);
    if (!ended) stream.destroy();
  }
}

/** The rows of batches, one at a time: a dialect's row stream over its batch stream. */
export async function* rowsOf<T>(batches: AsyncIterable<T[]>): AsyncGenerator<T> {
  for await (const batch of batches) yield* batch;
}
