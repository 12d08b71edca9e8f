/** The live schema of the connected MySQL / MariaDB database, from information_schema. */
import type { ColumnInfo, ForeignKeyInfo, Queryable, SchemaInfo, TableInfo } from '../dialect';
import { classifyColumn } from './codec';

interface ColumnRow {
  table_name: string;
  column_name: string;
  position: number | string;
  column_default: string | null;
  is_nullable: string;
  data_type: string;
  column_type: string;
  max_length: number | string | null;
  collation_name: string | null;
  extra: string | null;
}

/** `json_valid(`choices`)` → `choices` (MariaDB's JSONField check; MySQL spells it alike). */
export function jsonValidColumn(checkClause: string): string | undefined {
  const m = /^\s*\(?\s*json_valid\s*\(\s*(?:`((?:[^`]|``)+)`|([A-Za-z0-9_$]+))\s*\)\s*\)?\s*$/i.exec(checkClause);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/``/g, '`') : m[2];
}

/** Every CHECK constraint of the database: table, name, clause (none on servers without CHECKs). */
async function checkConstraintRows(db: Queryable): Promise<Array<Record<string, unknown>>> {
  let rows: Array<Record<string, unknown>>;
  try {
    // MariaDB (≥ 10.2.22) has TABLE_NAME in CHECK_CONSTRAINTS.
    rows = await db.query(
      `SELECT TABLE_NAME AS table_name, CONSTRAINT_NAME AS constraint_name, CHECK_CLAUSE AS check_clause
         FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`,
    );
  } catch {
    try {
      // MySQL ≥ 8.0.16: the table is in TABLE_CONSTRAINTS.
      rows = await db.query(
        `SELECT tc.TABLE_NAME AS table_name, cc.CONSTRAINT_NAME AS constraint_name, cc.CHECK_CLAUSE AS check_clause
           FROM information_schema.CHECK_CONSTRAINTS cc
           JOIN information_schema.TABLE_CONSTRAINTS tc
             ON tc.CONSTRAINT_SCHEMA = cc.CONSTRAINT_SCHEMA AND tc.CONSTRAINT_NAME = cc.CONSTRAINT_NAME
                AND tc.CONSTRAINT_TYPE = 'CHECK'
          WHERE cc.CONSTRAINT_SCHEMA = DATABASE()`,
      );
    } catch {
      return []; // servers without CHECK constraints: no MariaDB JSONField either
    }
  }
  return rows;
}

function jsonValidChecks(rows: Array<Record<string, unknown>>): Set<string> {
  const found = new Set<string>();
  for (const row of rows) {
    const column = jsonValidColumn(String(row.check_clause ?? ''));
    if (column !== undefined) found.add(`${String(row.table_name)}\u0000${column}`);
  }
  return found;
}

/**
 * MariaDB reports a column without default as NULL, a `DEFAULT NULL` as the text 'NULL' (and a string default
 * quoted); MySQL reports both as NULL. A NULL default is no default.
 */
function hasRealDefault(columnDefault: string | null): boolean {
  return columnDefault !== null && columnDefault.toUpperCase() !== 'NULL';
}

export async function introspect(db: Queryable): Promise<SchemaInfo> {
  const [versionRow] = await db.query('SELECT VERSION() AS version');
  const tableRows = await db.query(
    `SELECT TABLE_NAME AS table_name FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`,
  );
  const columnRows = (await db.query(
    `SELECT c.TABLE_NAME AS table_name, c.COLUMN_NAME AS column_name, c.ORDINAL_POSITION AS position,
            c.COLUMN_DEFAULT AS column_default, c.IS_NULLABLE AS is_nullable, c.DATA_TYPE AS data_type,
            c.COLUMN_TYPE AS column_type, c.CHARACTER_MAXIMUM_LENGTH AS max_length,
            c.COLLATION_NAME AS collation_name, c.EXTRA AS extra
       FROM information_schema.COLUMNS c
      WHERE c.TABLE_SCHEMA = DATABASE()
      ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`,
  )) as unknown as ColumnRow[];
  const keyRows = await db.query(
    `SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name, CONSTRAINT_NAME AS constraint_name,
            REFERENCED_TABLE_NAME AS ref_table, REFERENCED_COLUMN_NAME AS ref_column
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = DATABASE() AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL)
      ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
  );
  const jsonChecks = jsonValidChecks(await checkConstraintRows(db));
  const uniqueRows = await db.query(
    `SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, COLUMN_NAME AS column_name
       FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY' AND COLUMN_NAME IS NOT NULL
      ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  );

  const tables = new Map<string, TableInfo>();
  for (const row of tableRows) {
    const name = String(row.table_name);
    tables.set(name, { name, columns: [], primaryKey: [] });
  }
  for (const row of columnRows) {
    const table = tables.get(row.table_name);
    if (!table) continue; // a view's columns
    const extra = (row.extra ?? '').toLowerCase();
    const autoIncrement = extra.includes('auto_increment');
    const maxLength = row.max_length === null || row.max_length === undefined ? null : Number(row.max_length);
    const column: ColumnInfo = {
      name: row.column_name,
      type: classifyColumn({
        dataType: row.data_type,
        columnType: row.column_type,
        jsonValidCheck: jsonChecks.has(`${row.table_name}\u0000${row.column_name}`),
      }),
      nativeType: row.column_type,
      nullable: row.is_nullable === 'YES',
      hasDefault: autoIncrement || hasRealDefault(row.column_default),
      autoIncrement,
      // longtext's 4294967295 is "no limit" in practice, but it is the limit the server states.
      maxLength: maxLength !== null && Number.isFinite(maxLength) ? maxLength : null,
      position: Number(row.position),
      collation: row.collation_name ?? null,
    };
    table.columns.push(column);
  }
  const foreignKeys: ForeignKeyInfo[] = [];
  for (const row of keyRows) {
    const table = tables.get(String(row.table_name));
    if (!table) continue;
    if (row.constraint_name === 'PRIMARY') {
      table.primaryKey.push(String(row.column_name));
    } else if (row.ref_table !== null && row.ref_table !== undefined) {
      foreignKeys.push({
        table: table.name,
        column: String(row.column_name),
        refTable: String(row.ref_table),
        refColumn: String(row.ref_column),
      });
    }
  }
  for (const row of uniqueRows) {
    const table = tables.get(String(row.table_name));
    if (!table) continue;
    table.uniqueKeys ??= [];
    const keys = table.uniqueKeys;
    const name = String(row.index_name);
    const key = keys.find((k) => k.name === name) ?? keys[keys.push({ name, columns: [] }) - 1];
    key.columns.push(String(row.column_name));
  }
  return { tables, foreignKeys, serverVersion: String(versionRow?.version ?? '') };
}

/** See Dialect.checkConstraints. */
export async function checkConstraints(db: Queryable): Promise<Map<string, Array<{ name: string; expression: string }>>> {
  const byTable = new Map<string, Array<{ name: string; expression: string }>>();
  for (const row of await checkConstraintRows(db)) {
    // A JSONField's json_valid() is the column's type, not a rule on the data (its values are checked as JSON).
    if (jsonValidColumn(String(row.check_clause ?? '')) !== undefined) continue;
    const list = byTable.get(String(row.table_name)) ?? [];
    list.push({ name: String(row.constraint_name), expression: String(row.check_clause) });
    byTable.set(String(row.table_name), list);
  }
  return byTable;
}
