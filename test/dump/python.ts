/**
 * Runs Python, for the tests that check a dump against Pod's own reader (Python's json.load). python3 is a hard
 * requirement of the test suite (Pod itself is Python, and every machine here has it): when it is missing the
 * test fails saying so, rather than passing without checking anything.
 */
import { execFileSync } from 'node:child_process';

export function runPython(script: string, args: string[]): string {
  try {
    return execFileSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        "python3 is required by the dump tests (they compare with Python's json.load, as Pod reads a dump): install python3 and put it on PATH",
      );
    }
    throw error;
  }
}
