/**
 * One run at a time on a target: two runs at once would both empty and refill it (the second waiting for the
 * first's row locks, then redoing everything). A run that writes the target takes the target's run lock first,
 * without waiting, and holds it to its end on a session of its own (the server releases it if the process dies);
 * a second run is refused at once, told who holds it.
 */
import type { DatabaseConnection } from '../dialects/dialect';
import { PodMigrateError } from '../errors';

/** Takes the target's run lock or throws TARGET_BUSY naming the holder; resolves to the lock's release. */
export async function takeRunLock(target: DatabaseConnection): Promise<() => Promise<void>> {
  const attempt = await target.tryRunLock();
  if (!attempt.acquired) {
    throw new PodMigrateError(
      'TARGET_BUSY',
      `another pod-migrate run is using ${target.displayName} (its run lock is held by ${attempt.holder}): nothing was done. ` +
        'Wait for that run to end (or stop it), then run again',
    );
  }
  return attempt.release;
}

/** Runs `work` holding the target's run lock; the lock is released whatever the outcome. */
export async function withRunLock<T>(target: DatabaseConnection, work: () => Promise<T>): Promise<T> {
  const release = await takeRunLock(target);
  try {
    return await work();
  } finally {
    await release();
  }
}
