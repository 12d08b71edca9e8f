/** The few plain statements the engine composes itself; identifiers always quoted by the dialect. */
import type { DatabaseConnection, Queryable, Dialect, SchemaInfo } from '../dialects/dialect';
import type { SourceDescription } from './preflight';
import type { ResolvedPlan } from '../plan/types';
import { renderTemplate } from '../plan/render';

async function countRows(db: Queryable, dialect: Dialect, table: string): Promise<number> {
  const [row] = await db.query(`SELECT COUNT(*) AS n FROM ${dialect.tableRef(table)}`);
  return Number(row.n);
}

/** Renders one of the plan's templates for the connection's dialect: SQL text plus bound parameters. */
export function renderFor(plan: ResolvedPlan, template: string, db: DatabaseConnection, params: Record<string, unknown> = {}) {
  return renderTemplate(plan, template, db.dialect, params);
}

/** Row counts and column names of the named tables that the database has (the others are left out). */
export async function describeSourceTables(
  db: DatabaseConnection,
  schema: SchemaInfo,
  names: Iterable<string>,
): Promise<SourceDescription> {
  const tables: SourceDescription['tables'] = new Map();
  for (const name of names) {
    const info = schema.tables.get(name);
    if (!info) continue;
    tables.set(name, { rows: await countRows(db, db.dialect, name), columns: new Set(info.columns.map((c) => c.name)) });
  }
  return { tables };
}
