import { WriteAhead } from '../../src/engine/write-ahead';
import { rejectionOf } from '../helpers/async';

/** A write that ends when the test says so, recording when it started and ended. */
function controlledWrite(log: string[], name: string) {
  let finish!: (error?: Error) => void;
  const write = () =>
    new Promise<void>((resolve, reject) => {
      log.push(`start ${name}`);
      finish = (error) => {
        log.push(`end ${name}`);
        if (error) reject(error);
        else resolve();
      };
    });
  return { write, finish: (error?: Error) => finish(error) };
}

describe('WriteAhead', () => {
  it('returns while the write runs, and starts the next one only after it ended', async () => {
    const log: string[] = [];
    const writes = new WriteAhead();
    const a = controlledWrite(log, 'a');
    const b = controlledWrite(log, 'b');
    await writes.start(a.write);
    log.push('parsing the next batch');
    const second = writes.start(b.write);
    await Promise.resolve();
    expect(log).toEqual(['start a', 'parsing the next batch']);
    a.finish();
    await second;
    b.finish();
    await writes.drain();
    expect(log).toEqual(['start a', 'parsing the next batch', 'end a', 'start b', 'end b']);
  });

  it("throws a failed write's error from the next start or drain, never as an unhandled rejection", async () => {
    const log: string[] = [];
    const writes = new WriteAhead();
    const a = controlledWrite(log, 'a');
    await writes.start(a.write);
    a.finish(new Error('duplicate key'));
    await new Promise((resolve) => setImmediate(resolve));
    const next = controlledWrite(log, 'b');
    expect(await rejectionOf(writes.start(next.write))).toMatchObject({ message: 'duplicate key' });
    expect(log).toEqual(['start a', 'end a']);
    await expect(writes.drain()).resolves.toBeUndefined();
  });

  it('settle waits for the write in flight and forgets its outcome (the caller fails with its own error)', async () => {
    const log: string[] = [];
    const writes = new WriteAhead();
    const a = controlledWrite(log, 'a');
    await writes.start(a.write);
    const settled = writes.settle();
    a.finish(new Error('lost connection'));
    await settled;
    expect(log).toEqual(['start a', 'end a']);
    await expect(writes.drain()).resolves.toBeUndefined();
  });
});
