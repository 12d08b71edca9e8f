import { Writable } from 'node:stream';
import { drained } from '../../src/dialects/drained';

/** A writable that never takes its buffered bytes (no 'drain' until `release`). */
function stuckWritable() {
  let release: (() => void) | undefined;
  const stream = new Writable({
    highWaterMark: 4,
    write(_chunk, _encoding, callback) {
      release = () => callback();
    },
  });
  return { stream, release: () => release?.() };
}

const listeners = (stream: Writable) => ['drain', 'close', 'error'].map((event) => stream.listenerCount(event));

describe('drained', () => {
  it('resolves on drain and removes its listeners', async () => {
    const { stream, release } = stuckWritable();
    const before = listeners(stream);
    expect(stream.write('12345')).toBe(false);
    const waiting = drained(stream);
    release();
    await waiting;
    expect(listeners(stream)).toEqual(before);
  });

  it('resolves once the statement ends when no drain comes, and removes its listeners (a socket waited on again and again)', async () => {
    const { stream } = stuckWritable();
    const before = listeners(stream);
    stream.write('12345');
    for (let k = 0; k < 20; k++) {
      await drained(stream, Promise.reject(new Error('the server refused the statement')));
      await drained(stream, Promise.resolve());
    }
    expect(listeners(stream)).toEqual(before);
  });
});
