/** What the bulk writers' open statements (PostgreSQL's COPY, MariaDB's LOAD DATA) share: back-pressure, and reuse. */
import type { Writable } from 'node:stream';
import type { ColumnInfo, TableInfo } from './dialect';

/**
 * Resolves when `stream` can take more (its 'drain'), or never will (closed, or failed), or once `orUntil` settles
 * (the statement ended: a server error may mean no drain ever comes): the writer then finds out why from its own
 * state (a COPY's or LOAD DATA's failure). Its listeners are removed whichever comes first, so that a connection's
 * socket, waited on by one statement after another, does not collect them.
 */
export function drained(stream: Writable, orUntil?: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
    orUntil?.then(done, done);
  });
}

/** Whether a batch for `table` and `columns` can go into a statement opened for `open`'s table and columns. */
export function sameTarget(open: { table: TableInfo; columns: ColumnInfo[] }, table: TableInfo, columns: ColumnInfo[]): boolean {
  return table === open.table && columns.length === open.columns.length && columns.every((c, i) => c === open.columns[i]);
}
