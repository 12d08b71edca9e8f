/**
 * The error a call throws, so that a test asserts on it outside any catch block (an assertion inside a catch
 * passes silently when nothing is thrown). Assert that it throws first: `expect(run).toThrow(…)`.
 */
import { PodMigrateError } from '../../src/errors';

export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The PodMigrateError `run` throws (the synchronous `caught`); fails the test when it returns or throws anything else. */
export function refusal(run: () => unknown): PodMigrateError {
  const error = thrownBy(run);
  if (error instanceof PodMigrateError) return error;
  throw error === undefined ? new Error('expected a refusal') : error;
}
