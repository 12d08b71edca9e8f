/**
 * Databases for the benchmark (no jest): uniquely named scratch databases on the servers, loaded with Pod's
 * real schemas, and dropped afterwards — also on error or Ctrl-C (the `live` registry).
 */
import type { DialectName } from '../dialects/dialect';
import { parseConnectionUrl, type ConnectionSettings } from '../dialects/url';
import { loadPodSchema, type PodVersion } from '../fixtures/pod-schemas';
import { createScratchDatabase, openRawConnection, type ScratchDatabase } from '../fixtures/scratch-database';

export { mysqlDriverOptions, pgClient } from '../fixtures/scratch-database';
export type PodData = 'initial' | 'createdb';
export type BenchDatabase = ScratchDatabase;

/** The servers: POD_MIGRATE_BENCH_MYSQL / _POSTGRES, else the test servers' variables, else the local defaults. */
export function serverSettings(dialect: DialectName): ConnectionSettings {
  const url =
    dialect === 'mysql'
      ? (process.env.POD_MIGRATE_BENCH_MYSQL ?? process.env.POD_MIGRATE_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/mysql')
      : (process.env.POD_MIGRATE_BENCH_POSTGRES ?? process.env.POD_MIGRATE_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  return parseConnectionUrl(url);
}

/** Every database created and not yet dropped: dropped by dropAll() (on exit, error or Ctrl-C). */
const live = new Set<BenchDatabase>();

/** Other things to undo on exit (temporary folders): run by dropAll() unless removed first. */
export const cleanups = new Set<() => void>();

export async function dropAll(): Promise<void> {
  for (const db of [...live])
    await db.drop().catch((error: unknown) => process.stderr.write(`bench: could not drop ${db.name}: ${(error as Error).message}\n`));
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    cleanup();
  }
}

/** A fresh database holding Pod's schema of that version, with Pod's initial rows (3.8.4) or make createDB's (4.0.3). */
export async function createPodDatabase(dialect: DialectName, version: PodVersion, data: PodData, label: string): Promise<BenchDatabase> {
  const scratch = await createScratchDatabase(serverSettings(dialect), label, 'pm_bench');
  const db: BenchDatabase = {
    ...scratch,
    drop: async () => {
      live.delete(db);
      await scratch.drop();
    },
  };
  live.add(db);
  try {
    await loadPodSchema(db, version, { data });
  } catch (error) {
    await db.drop().catch(() => undefined);
    throw error;
  }
  return db;
}

export async function serverVersion(dialect: DialectName): Promise<string> {
  const raw = await openRawConnection(serverSettings(dialect));
  try {
    const rows = await raw.query('SELECT version() AS v');
    return String(rows[0]?.v ?? '?');
  } finally {
    await raw.close();
  }
}
