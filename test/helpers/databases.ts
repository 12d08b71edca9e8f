/**
 * Real databases for tests: every test creates its own uniquely named database and drops it afterwards
 * (slonik's model). Nothing depends on what an earlier run left behind.
 *
 * Servers: POD_MIGRATE_TEST_MYSQL (default mysql://root@127.0.0.1:3306/mysql) and POD_MIGRATE_TEST_POSTGRES
 * (default postgres://postgres@127.0.0.1:5432/postgres). POD_MIGRATE_TEST_DIALECTS=mysql or =postgres narrows
 * the dialect loops.
 */
import { join } from 'node:path';
import type { DialectName } from '../../src/dialects/dialect';
import { parseConnectionUrl, type ConnectionSettings } from '../../src/dialects/url';
import { loadPodSchema, type PodData, type PodVersion } from '../../src/fixtures/pod-schemas';
import { createScratchDatabase, type ScratchDatabase } from '../../src/fixtures/scratch-database';

export { loadPodSchema, podDataFile, podSchemaFile, type PodData, type PodVersion } from '../../src/fixtures/pod-schemas';
export { urlOf as settingsUrl } from '../../src/fixtures/scratch-database';

export const ALL_DIALECTS: DialectName[] = ['mysql', 'postgres'];

export const DIALECTS: DialectName[] = (process.env.POD_MIGRATE_TEST_DIALECTS ?? 'mysql,postgres')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is DialectName => d === 'mysql' || d === 'postgres');

/** Every (source, target) pair of the dialects under test. */
export const DIALECT_PAIRS: Array<[DialectName, DialectName]> = DIALECTS.flatMap((s) =>
  DIALECTS.map((t) => [s, t] as [DialectName, DialectName]),
);

export function serverSettings(dialect: DialectName): ConnectionSettings {
  const url =
    dialect === 'mysql'
      ? (process.env.POD_MIGRATE_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/mysql')
      : (process.env.POD_MIGRATE_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  return parseConnectionUrl(url);
}

export type TestDatabase = ScratchDatabase;

export function createTestDatabase(dialect: DialectName, label: string): Promise<TestDatabase> {
  return createScratchDatabase(serverSettings(dialect), label);
}

export const FIXTURES = join(__dirname, '..', 'fixtures');

/** A fresh database of the dialect holding Pod's schema of that version. */
export async function createPodDatabase(
  dialect: DialectName,
  version: PodVersion,
  options: { data?: PodData; podfile?: boolean; label?: string } = {},
): Promise<TestDatabase> {
  const db = await createTestDatabase(dialect, options.label ?? `pod${version.replace(/\./g, '')}`);
  try {
    await loadPodSchema(db, version, options);
  } catch (error) {
    await db.drop();
    throw error;
  }
  return db;
}
