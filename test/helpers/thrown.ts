/**
 * The error a call throws, so that a test asserts on it outside any catch block (an assertion inside a catch
 * passes silently when nothing is thrown). Assert that it throws first: `expect(run).toThrow(…)`.
 */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
