/**
 * Seeds a Pod 3.8.4 database through a DatabaseConnection: introspect, read the rows Pod's `migrate` created
 * (content types, permissions, sites), generate, insert in one transaction (foreign keys relaxed, checked at commit
 * on PostgreSQL), then move the sequences past the inserted ids.
 */
import type { DatabaseConnection, SchemaInfo, TableInfo } from '../dialects/dialect';
import { PodMigrateError } from '../errors';
import { generateV3Data, seedTableOrder } from './generator';
import type { GenerateOptions, ReferenceData } from './world';

export interface SeedOptions extends Omit<GenerateOptions, 'reference' | 'uniqueFold'> {
  /** Empty the seeded tables first (inside the same transaction). Without it, a non-empty table is an error. */
  clear?: boolean;
  /** Rows per insertRows call (default 5,000). */
  batchRows?: number;
  /** Called after each batch is written. */
  onProgress?: (table: string, rowsSoFar: number) => void;
}

export interface SeedResult {
  /** Tables written. */
  tables: number;
  /** Rows written, all tables. */
  rows: number;
  perTable: Map<string, number>;
  /** Wall time, milliseconds. */
  ms: number;
}

/** Content types, sites and permissions already in the database (Pod's `migrate` creates them). */
export async function readReferenceData(conn: DatabaseConnection, schema: SchemaInfo): Promise<ReferenceData> {
  const q = (name: string) => conn.dialect.quoteIdent(name);
  for (const table of ['django_content_type', 'django_site', 'auth_permission']) {
    if (!schema.tables.has(table))
      throw new PodMigrateError('SCHEMA_MISMATCH', `${conn.displayName} has no ${table} table: is it a Pod 3.8 database?`);
  }
  const contentTypes = (
    await conn.query(`SELECT ${q('id')}, ${q('app_label')}, ${q('model')} FROM ${q('django_content_type')} ORDER BY ${q('id')}`)
  ).map((r) => ({
    id: Number(r.id),
    app_label: String(r.app_label),
    model: String(r.model),
  }));
  const siteIds = (await conn.query(`SELECT ${q('id')} FROM ${q('django_site')} ORDER BY ${q('id')}`)).map((r) => Number(r.id));
  const permissionIds = (await conn.query(`SELECT ${q('id')} FROM ${q('auth_permission')} ORDER BY ${q('id')}`)).map((r) => Number(r.id));
  const has = (app: string, model: string) => contentTypes.some((c) => c.app_label === app && c.model === model);
  if (!has('video', 'video') || !has('recorder', 'recorder') || siteIds.length === 0) {
    throw new PodMigrateError(
      'USAGE',
      `${conn.displayName} lacks Pod's initial rows (django_content_type video.video / recorder.recorder, a django_site): run Pod's migrate (or load the initial-data fixture) first`,
    );
  }
  return { contentTypes, siteIds, permissionIds };
}

async function nonEmptyTables(conn: DatabaseConnection, tables: TableInfo[]): Promise<string[]> {
  const q = (name: string) => conn.dialect.quoteIdent(name);
  const out: string[] = [];
  for (const t of tables) {
    const rows = await conn.query(`SELECT 1 AS one FROM ${q(t.name)} LIMIT 1`);
    if (rows.length > 0) out.push(t.name);
  }
  return out;
}

export async function seedDatabase(conn: DatabaseConnection, options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const schema = await conn.introspect();
  const reference = await readReferenceData(conn, schema);
  const tables = seedTableOrder(schema).map((name) => schema.tables.get(name) as TableInfo);
  if (!options.clear) {
    const busy = await nonEmptyTables(conn, tables);
    if (busy.length > 0) {
      throw new PodMigrateError(
        'USAGE',
        `${conn.displayName} already holds rows in ${busy.length} table(s) the seed writes (${busy.slice(0, 5).join(', ')}${busy.length > 5 ? ', …' : ''}): seed a fresh database, or clear them first (--clear)`,
      );
    }
  }
  const perTable = new Map<string, number>();
  let total = 0;
  await conn.transaction(async (tx) => {
    await tx.relaxForeignKeys();
    if (options.clear) for (const t of [...tables].reverse()) await tx.deleteAll(t);
    for (const batch of generateV3Data(schema, {
      videos: options.videos,
      seed: options.seed,
      staleOwnerPaths: options.staleOwnerPaths,
      busy: options.busy,
      batchRows: options.batchRows,
      reference,
      uniqueFold: (collation) => conn.dialect.uniqueFold(collation),
    })) {
      const table = schema.tables.get(batch.table) as TableInfo;
      const columns = batch.columns.map(
        (name) => table.columns.find((c) => c.name === name) as NonNullable<(typeof table.columns)[number]>,
      );
      const written = await tx.insertRows(table, columns, batch.rows);
      const sum = (perTable.get(batch.table) ?? 0) + written;
      perTable.set(batch.table, sum);
      total += written;
      options.onProgress?.(batch.table, sum);
    }
  });
  await conn.resetSequences(tables.filter((t) => perTable.has(t.name)));
  return { tables: perTable.size, rows: total, perTable, ms: Date.now() - started };
}
