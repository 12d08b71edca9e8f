/**
 * Bounded-memory reads: a server-side cursor (DECLARE … NO SCROLL CURSOR, FETCH FORWARD n) inside one slonik
 * transaction on one pooled connection, turned into an async iterator. The producer (the transaction) stays at most
 * one batch ahead of the consumer; when the consumer stops early (break/return/throw) the producer is told to stop,
 * the transaction rolls back (closing the cursor) and the connection goes back to the pool.
 */
import type { CommonQueryMethods, QuerySqlToken } from 'slonik';

class Cancelled extends Error {
  constructor() {
    super('stream closed by its consumer');
  }
}

/** A one-slot hand-off between a producer and an async-iterator consumer. */
class Handoff<T> {
  private slot: T[] = [];
  private finished = false;
  private failure: { error: unknown } | undefined;
  private cancelled = false;
  private wakeConsumer: (() => void) | undefined;
  private wakeProducer: (() => void) | undefined;

  /** Resolves once the item is queued and the queue is back to at most `capacity`; rejects when the consumer left. */
  async put(item: T, capacity = 1): Promise<void> {
    if (this.cancelled) throw new Cancelled();
    this.slot.push(item);
    this.notifyConsumer();
    while (this.slot.length > capacity && !this.cancelled) {
      await new Promise<void>((resolve) => {
        this.wakeProducer = resolve;
      });
    }
    if (this.cancelled) throw new Cancelled();
  }

  end(): void {
    this.finished = true;
    this.notifyConsumer();
  }

  fail(error: unknown): void {
    this.failure = { error };
    this.notifyConsumer();
  }

  cancel(): void {
    this.cancelled = true;
    this.slot = [];
    this.notifyProducer();
  }

  /** The next item, or `done` once the producer ended; throws the producer's error. */
  async take(): Promise<{ done: true } | { done: false; value: T }> {
    for (;;) {
      if (this.slot.length > 0) {
        const value = this.slot.shift() as T;
        this.notifyProducer();
        return { done: false, value };
      }
      if (this.failure) throw this.failure.error;
      if (this.finished) return { done: true };
      await new Promise<void>((resolve) => {
        this.wakeConsumer = resolve;
      });
    }
  }

  private notifyConsumer(): void {
    const wake = this.wakeConsumer;
    this.wakeConsumer = undefined;
    wake?.();
  }

  private notifyProducer(): void {
    const wake = this.wakeProducer;
    this.wakeProducer = undefined;
    wake?.();
  }
}

export interface CursorOptions {
  /** Rows per FETCH, at most. */
  fetchSize: number;
  /**
   * Bytes of values a FETCH aims at: the first FETCH asks for FIRST_FETCH rows, each next one for as many rows as fit
   * in this many bytes at the rows' mean width so far (between MIN_FETCH and fetchSize). Without it: fetchSize rows.
   */
  fetchBytes?: number;
  /** Maps any error (from the database or the consumer side) before it reaches the consumer. */
  mapError: (error: unknown) => unknown;
  /** CLOSEs the cursor once read to its end (when the transaction goes on after the stream, as in a snapshot). */
  close?: (cursorName: string) => QuerySqlToken;
}

/** Rows of the first FETCH of a byte-sized cursor (its rows' width is not known yet). */
const FIRST_FETCH = 100;
const MIN_FETCH = 10;

/**
 * The mean width of the rows fetched so far (text and bytes by their length, anything else as 8): a FETCH of 2,000
 * rows of 8 KB encoding logs was 16 MB, held three or four times over (the driver's buffer, the rows, the batch queued,
 * the batch being read) — a PostgreSQL export of a site with long texts peaked at 210 MB where MariaDB's took 120.
 */
export class RowWidth {
  private rows = 0;
  private bytes = 0;

  /** `budget`: the bytes a FETCH aims at; `most`: the rows a FETCH asks for at most. */
  constructor(
    private readonly budget: number,
    private readonly most: number,
  ) {}

  observe(rows: Array<Record<string, unknown>>): void {
    for (const row of rows) {
      for (const key in row) {
        const value = row[key];
        this.bytes += typeof value === 'string' ? value.length : value instanceof Uint8Array ? value.length : 8;
      }
    }
    this.rows += rows.length;
  }

  /** The rows the next FETCH asks for. */
  rowsFor(): number {
    if (this.rows === 0) return Math.min(FIRST_FETCH, this.most);
    const mean = Math.max(1, this.bytes / this.rows);
    return Math.max(Math.min(MIN_FETCH, this.most), Math.min(this.most, Math.floor(this.budget / mean)));
  }
}

export type Transactor = <T>(handler: (connection: CommonQueryMethods) => Promise<T>) => Promise<T>;

let cursorCounter = 0;

/** Batches of rows of `declareQuery(cursorName)`'s query, fetched `fetchSize` at a time. */
export async function* cursorBatches(
  transaction: Transactor,
  declare: (cursorName: string) => QuerySqlToken,
  fetch: (cursorName: string, count: number) => QuerySqlToken,
  options: CursorOptions,
): AsyncGenerator<Array<Record<string, unknown>>> {
  cursorCounter += 1;
  const cursor = `pod_migrate_cursor_${cursorCounter}`;
  const handoff = new Handoff<Array<Record<string, unknown>>>();
  const width = options.fetchBytes ? new RowWidth(options.fetchBytes, options.fetchSize) : undefined;
  const producer = transaction(async (connection) => {
    await connection.query(declare(cursor));
    for (;;) {
      const count = width?.rowsFor() ?? options.fetchSize;
      const result = await connection.query(fetch(cursor, count));
      const rows = result.rows as Array<Record<string, unknown>>;
      width?.observe(rows);
      if (rows.length > 0) await handoff.put(rows);
      if (rows.length < count) break;
    }
    if (options.close) await connection.query(options.close(cursor));
    // Read-only: nothing to commit, and a rollback also closes the cursor.
  }).then(
    () => handoff.end(),
    (error: unknown) => {
      if (!(error instanceof Cancelled)) handoff.fail(options.mapError(error));
    },
  );
  try {
    for (;;) {
      const next = await handoff.take();
      if (next.done) break;
      yield next.value;
    }
  } finally {
    handoff.cancel();
    await producer;
  }
}
