/**
 * Real databases for tests: every test creates its own uniquely named database and drops it afterwards
 * (slonik's model). Nothing depends on what an earlier run left behind.
 *
 * Servers: POD_MIGRATE_TEST_MYSQL (default mysql://root@127.0.0.1:3306/mysql) and POD_MIGRATE_TEST_POSTGRES
 * (default postgres://postgres@127.0.0.1:5432/postgres). POD_MIGRATE_TEST_DIALECTS=mysql or =postgres narrows
 * the dialect loops.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { DialectName } from '../../src/dialects/dialect';
import { parseConnectionUrl, withDatabase, type ConnectionSettings } from '../../src/dialects/url';

export const ALL_DIALECTS: DialectName[] = ['mysql', 'postgres'];

export const DIALECTS: DialectName[] = (process.env.POD_MIGRATE_TEST_DIALECTS ?? 'mysql,postgres')
  .split(',')
  .map((d) => d.trim())
  .filter((d): d is DialectName => d === 'mysql' || d === 'postgres');

/** Every (source, target) pair of the dialects under test. */
export const DIALECT_PAIRS: Array<[DialectName, DialectName]> = DIALECTS.flatMap((s) => DIALECTS.map((t) => [s, t] as [DialectName, DialectName]));

export function serverSettings(dialect: DialectName): ConnectionSettings {
  const url =
    dialect === 'mysql'
      ? process.env.POD_MIGRATE_TEST_MYSQL ?? 'mysql://root@127.0.0.1:3306/mysql'
      : process.env.POD_MIGRATE_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  return parseConnectionUrl(url);
}

export function settingsUrl(s: ConnectionSettings): string {
  const scheme = s.dialect === 'mysql' ? 'mysql' : 'postgres';
  const auth = s.password ? `${encodeURIComponent(s.user)}:${encodeURIComponent(s.password)}` : encodeURIComponent(s.user);
  return `${scheme}://${auth}@${s.host}:${s.port}/${encodeURIComponent(s.database)}`;
}

let counter = 0;
function uniqueName(label: string): string {
  counter += 1;
  const clean = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 20);
  return `pm_${clean}_${process.pid}_${Date.now().toString(36)}_${counter}`;
}

export interface TestDatabase {
  dialect: DialectName;
  settings: ConnectionSettings;
  url: string;
  /** Runs a multi-statement script with the raw driver. */
  exec(sqlText: string): Promise<void>;
  /** A query with the raw driver (placeholders: ? for mysql, $n for postgres). */
  query(sqlText: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

async function mysqlConnection(settings: ConnectionSettings) {
  return mysql.createConnection({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
    multipleStatements: true,
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    timezone: 'Z',
  });
}

async function pgClient(settings: ConnectionSettings) {
  const client = new pg.Client({
    host: settings.host,
    port: settings.port,
    user: settings.user,
    password: settings.password,
    database: settings.database,
  });
  await client.connect();
  await client.query("SET TIME ZONE 'UTC'");
  return client;
}

export async function createTestDatabase(dialect: DialectName, label: string): Promise<TestDatabase> {
  const server = serverSettings(dialect);
  const name = uniqueName(label);
  const settings = withDatabase(server, name);
  if (dialect === 'mysql') {
    const admin = await mysqlConnection(server);
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci`);
    await admin.end();
    const conn = await mysqlConnection(settings);
    return {
      dialect,
      settings,
      url: settingsUrl(settings),
      exec: async (sqlText) => {
        await conn.query(sqlText);
      },
      query: async (sqlText, params = []) => {
        const [rows] = await conn.query(sqlText, params);
        return rows as Record<string, unknown>[];
      },
      drop: async () => {
        await conn.end().catch(() => undefined);
        const again = await mysqlConnection(server);
        await again.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await again.end();
      },
    };
  }
  const admin = await pgClient(server);
  await admin.query(`CREATE DATABASE "${name}" ENCODING 'UTF8' TEMPLATE template0`);
  await admin.end();
  const client = await pgClient(settings);
  return {
    dialect,
    settings,
    url: settingsUrl(settings),
    exec: async (sqlText) => {
      await client.query(sqlText);
      // pg_dump scripts empty the session's search_path.
      await client.query('RESET search_path');
    },
    query: async (sqlText, params = []) => (await client.query(sqlText, params)).rows,
    drop: async () => {
      await client.end().catch(() => undefined);
      const again = await pgClient(server);
      await again.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await again.end();
    },
  };
}

export const FIXTURES = join(__dirname, '..', 'fixtures');

export type PodVersion = '3.8.4' | '4.0.3';
export type PodData = 'none' | 'initial' | 'createdb';

export function podSchemaFile(dialect: DialectName, version: PodVersion, podfile = false): string {
  const file = dialect === 'mysql' ? 'mariadb.sql' : 'postgresql.sql';
  return join(FIXTURES, 'pod-schemas', `pod-${version}`, podfile ? 'use_podfile_true' : '', file);
}

export function podDataFile(dialect: DialectName, version: PodVersion, data: Exclude<PodData, 'none'>): string {
  const prefix = dialect === 'mysql' ? 'mariadb' : 'postgresql';
  return join(FIXTURES, 'pod-schemas', `pod-${version}`, `${prefix}-${data === 'initial' ? 'initial' : 'createdb'}-data.sql`);
}

/** Loads Pod's real DDL (and optionally its fresh-database rows) into the test database. */
export async function loadPodSchema(
  db: TestDatabase,
  version: PodVersion,
  options: { data?: PodData; podfile?: boolean } = {},
): Promise<void> {
  await db.exec(readFileSync(podSchemaFile(db.dialect, version, options.podfile), 'utf8'));
  const data = options.data ?? 'initial';
  if (data !== 'none') await db.exec(readFileSync(podDataFile(db.dialect, version, data), 'utf8'));
}

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
