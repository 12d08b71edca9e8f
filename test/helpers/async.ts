/** The two waits every database test needs: the PodMigrateError a promise must reject with, and an async stream read to its end. */
import { PodMigrateError } from '../../src/errors';

/** The PodMigrateError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function caught(promise: Promise<unknown>): Promise<PodMigrateError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PodMigrateError) return error;
    throw new Error(`expected a PodMigrateError, got ${String(error)}`);
  }
  throw new Error('expected a rejection');
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
