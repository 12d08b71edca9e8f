/**
 * Before a timed phase, the server is given time to write out what earlier work left in memory: a seed of 20,000
 * videos leaves MariaDB with about half of a default 128 MB buffer pool dirty, which its page cleaner takes some 15 s
 * to write at the default innodb_io_capacity — while the next phase runs, if it is not waited for, and that phase
 * pays for it (the plan run's import did; the native loads, timed later, did not). Each timed phase then starts from a
 * server at rest and pays only for what it writes itself.
 */
import type { BenchDatabase } from './databases';

/** Stop waiting when at most this share of the buffer pool is dirty… */
const DIRTY_SHARE = 0.1;
/** …or when the count has not moved for this long (a floor the page cleaner leaves at rest: 38 % after a 100,000-video seed)… */
const STILL_MS = 2000;
/** …or after this long in all. */
const MAX_MS = 60_000;
const POLL_MS = 250;

/**
 * Waits until `db`'s server has written out its dirty pages (MariaDB: polls Innodb_buffer_pool_pages_dirty;
 * PostgreSQL: CHECKPOINT, which returns once done). Resolves to the seconds waited.
 */
export async function settleServer(db: BenchDatabase): Promise<number> {
  const started = Date.now();
  if (db.dialect === 'postgres') {
    // Needs a superuser or pg_checkpoint: without it the phase simply starts unsettled.
    await db.exec('CHECKPOINT').catch(() => undefined);
    return (Date.now() - started) / 1000;
  }
  const status = async (name: string) => {
    const rows = await db.query('SHOW GLOBAL STATUS LIKE ?', [name]);
    return Number(rows[0]?.Value ?? 0);
  };
  const total = await status('Innodb_buffer_pool_pages_total');
  // The count may rise first (the server still finishing the last statements' work), then falls to a floor.
  let last = -1;
  let since = started;
  for (;;) {
    const dirty = await status('Innodb_buffer_pool_pages_dirty');
    const now = Date.now();
    if (dirty <= total * DIRTY_SHARE || now - started >= MAX_MS) break;
    if (dirty !== last) {
      last = dirty;
      since = now;
    } else if (now - since >= STILL_MS) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return (Date.now() - started) / 1000;
}
