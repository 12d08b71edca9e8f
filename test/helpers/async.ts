/** The two waits every database test needs: the PodMigrateError a promise must reject with, and an async stream read to its end. */
import { PodMigrateError } from '../../src/errors';

/** Whatever `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The PodMigrateError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function caught(promise: Promise<unknown>): Promise<PodMigrateError> {
  const error = await rejectionOf(promise);
  if (error instanceof PodMigrateError) return error;
  throw new Error(`expected a PodMigrateError, got ${String(error)}`);
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
