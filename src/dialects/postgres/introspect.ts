/** The live schema of `public`, from pg_catalog (never SHOW, never psql meta-commands). */
import type { ColumnInfo, ForeignKeyInfo, Queryable, SchemaInfo, TableInfo } from '../dialect';
import { classifyType } from './codec';

const COLUMNS_SQL = `
SELECT c.relname AS table_name,
       a.attname AS column_name,
       format_type(a.atttypid, a.atttypmod) AS native_type,
       CASE WHEN t.typtype = 'd' THEN bt.typname ELSE t.typname END AS base_type,
       CASE WHEN t.typtype = 'd' THEN bt.typcategory ELSE t.typcategory END AS type_category,
       CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS type_mod,
       NOT a.attnotnull AS nullable,
       a.atthasdef AS has_default,
       a.attidentity AS identity,
       a.attgenerated AS generated,
       pg_get_expr(d.adbin, d.adrelid) AS default_expr,
       CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN co.collname END AS collation
  FROM pg_catalog.pg_attribute a
  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY c.relname, a.attnum`;

const PRIMARY_KEYS_SQL = `
SELECT c.relname AS table_name, a.attname AS column_name
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
 WHERE con.contype = 'p' AND n.nspname = 'public'
 ORDER BY c.relname, k.ord`;

/** Single-column foreign keys whose referenced table is in `public` too (Django's are all single-column). */
const FOREIGN_KEYS_SQL = `
SELECT c.relname AS table_name, a.attname AS column_name, rc.relname AS ref_table, ra.attname AS ref_column
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
  JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
  JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
  JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
 WHERE con.contype = 'f' AND n.nspname = 'public' AND rn.nspname = 'public' AND cardinality(con.conkey) = 1
 ORDER BY c.relname, a.attname, con.conname`;

/** UNIQUE indexes on plain columns (not the primary key, no expression, not partial). */
const UNIQUE_KEYS_SQL = `
SELECT c.relname AS table_name, ic.relname AS index_name, a.attname AS column_name
  FROM pg_catalog.pg_index i
  JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
  JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
 WHERE n.nspname = 'public' AND i.indisunique AND NOT i.indisprimary AND i.indexprs IS NULL AND i.indpred IS NULL
 ORDER BY c.relname, ic.relname, k.ord`;

const CHECKS_SQL = `
SELECT c.relname AS table_name, con.conname AS constraint_name, pg_get_constraintdef(con.oid) AS definition
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE con.contype = 'c' AND n.nspname = 'public'
 ORDER BY c.relname, con.conname`;

interface ColumnRow {
  table_name: string;
  column_name: string;
  native_type: string;
  base_type: string;
  type_category: string;
  type_mod: number;
  nullable: boolean;
  has_default: boolean;
  identity: string;
  generated: string;
  default_expr: string | null;
  collation: string | null;
}

/** Character length limit of varchar(n) / char(n) (typmod minus the 4-byte header). */
function maxLengthOf(row: ColumnRow): number | null {
  if ((row.base_type === 'varchar' || row.base_type === 'bpchar') && row.type_mod > 4) return row.type_mod - 4;
  return null;
}

export async function introspect(db: Queryable): Promise<SchemaInfo> {
  const [columnRows, pkRows, fkRows, versionRows] = [
    (await db.query(COLUMNS_SQL)) as unknown as ColumnRow[],
    (await db.query(PRIMARY_KEYS_SQL)) as Array<{ table_name: string; column_name: string }>,
    (await db.query(FOREIGN_KEYS_SQL)) as Array<{ table_name: string; column_name: string; ref_table: string; ref_column: string }>,
    (await db.query('SELECT version() AS version')) as Array<{ version: string }>,
  ];
  const uniqueRows = (await db.query(UNIQUE_KEYS_SQL)) as Array<{ table_name: string; index_name: string; column_name: string }>;

  const tables = new Map<string, TableInfo>();
  for (const row of columnRows) {
    let table = tables.get(row.table_name);
    if (!table) {
      table = { name: row.table_name, columns: [], primaryKey: [] };
      tables.set(row.table_name, table);
    }
    const identity = row.identity === 'a' || row.identity === 'd';
    const serial = typeof row.default_expr === 'string' && /^nextval\(/i.test(row.default_expr);
    const column: ColumnInfo = {
      name: row.column_name,
      // Arrays, ranges, geometric types and the like have no canonical form: they travel as their text.
      type: row.type_category === 'A' ? 'text' : classifyType(row.base_type),
      nativeType: row.native_type,
      nullable: row.nullable,
      hasDefault: row.has_default || identity || row.generated !== '',
      autoIncrement: identity || serial,
      maxLength: maxLengthOf(row),
      position: table.columns.length + 1,
      collation: row.collation ?? null,
    };
    table.columns.push(column);
  }
  for (const row of pkRows) tables.get(row.table_name)?.primaryKey.push(row.column_name);
  const foreignKeys: ForeignKeyInfo[] = fkRows.map((row) => ({
    table: row.table_name,
    column: row.column_name,
    refTable: row.ref_table,
    refColumn: row.ref_column,
  }));
  for (const row of uniqueRows) {
    const table = tables.get(row.table_name);
    if (!table) continue;
    table.uniqueKeys ??= [];
    const keys = table.uniqueKeys;
    const key = keys.find((k) => k.name === row.index_name) ?? keys[keys.push({ name: row.index_name, columns: [] }) - 1];
    key.columns.push(row.column_name);
  }
  return { tables, foreignKeys, serverVersion: versionRows[0]?.version ?? 'PostgreSQL (unknown version)' };
}

/** See Dialect.checkConstraints (pg_get_constraintdef waits for a lock on the table). */
export async function checkConstraints(db: Queryable): Promise<Map<string, Array<{ name: string; expression: string }>>> {
  const byTable = new Map<string, Array<{ name: string; expression: string }>>();
  for (const row of (await db.query(CHECKS_SQL)) as Array<{ table_name: string; constraint_name: string; definition: string }>) {
    const expression = /^CHECK \((.*)\)( NOT VALID)?$/s.exec(row.definition)?.[1];
    if (expression === undefined) continue;
    const list = byTable.get(row.table_name) ?? [];
    list.push({ name: row.constraint_name, expression });
    byTable.set(row.table_name, list);
  }
  return byTable;
}
