/**
 * What to undo when the process is stopped by a signal (Ctrl-C, SIGTERM) before a piece of work is done.
 *
 * The databases need nothing here: a transaction still open when its connection drops is rolled back by the
 * server. What the server cannot undo is ours: a partial dump file (it holds password hashes), the demo's
 * temporary folder, a plan command still running (make createDB). Each owner registers its cleanup while the
 * thing exists and disposes of it after.
 * Cleanups are synchronous because they run just before the process exits.
 */
const cleanups = new Set<() => void>();

/** Registers a cleanup to run if the process is interrupted; returns the function that unregisters it. */
export function onInterrupt(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** Runs (once) every cleanup still registered; a failing one does not stop the others. */
export function runInterruptCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort: the process is exiting, and the next run removes a stale partial file anyway.
    }
  }
}
