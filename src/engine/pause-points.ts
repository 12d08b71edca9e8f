/**
 * A TEST HOOK, not a feature: `POD_MIGRATE_TEST_PAUSE=<point>` makes the import stop at that named point, write
 * one marker line to stderr and wait there for ever, so that the kill tests (test/cli/kill.test.ts) can SIGKILL
 * the process at a known instant and check that the target is exactly as before or completely migrated.
 * Without the variable (every real run) a pause point costs one comparison.
 */
export type PausePoint = 'during-deletes' | 'mid-table' | 'tag-rebuild' | 'before-commit' | 'after-commit';

export const PAUSE_VARIABLE = 'POD_MIGRATE_TEST_PAUSE';

/** The marker line, for the tests to wait for. */
export function pauseMarker(point: PausePoint): string {
  return `${PAUSE_VARIABLE}: paused at ${point}`;
}

export async function pausePoint(point: PausePoint): Promise<void> {
  if (process.env[PAUSE_VARIABLE] !== point) return;
  process.stderr.write(`${pauseMarker(point)} (pid ${process.pid})\n`);
  // A timer keeps the process alive even if nothing else would: it waits for the test's signal.
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
}
