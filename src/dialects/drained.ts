/** Waiting for a writable stream's buffer to empty, for the bulk writers' back-pressure. */
import type { Writable } from 'node:stream';

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
