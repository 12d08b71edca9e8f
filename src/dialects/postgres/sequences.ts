/**
 * Moving PostgreSQL sequences past max(id), shared by both import transactions (COPY on a pg client, and the
 * pooled json_to_recordset one) and the connection itself: setval is not transactional, so the import runs it
 * inside its transaction, before COMMIT — a sequence ahead of max(id) after a rollback is harmless, one behind is not.
 */
import type { TableInfo } from '../dialect';
import type { ConnectionSettings } from '../url';
import { mapPostgresError } from './errors';
import { qualifiedTable, quoteIdent } from './quote';

/** Django's sequence-reset SQL for each serial / identity column: setval to max(column), or 1 (not called) when empty. */
export async function moveSequencesPastMax(
  run: (sqlText: string, params: readonly unknown[]) => Promise<unknown>,
  tables: TableInfo[],
  settings: ConnectionSettings,
): Promise<void> {
  for (const table of tables) {
    for (const column of table.columns) {
      if (!column.autoIncrement) continue;
      const col = quoteIdent(column.name);
      const text =
        `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${col}), 1), max(${col}) IS NOT NULL) ` +
        `FROM ${qualifiedTable(table.name)}`;
      try {
        await run(text, [qualifiedTable(table.name), column.name]);
      } catch (error) {
        throw mapPostgresError(error, {
          action: `resetting the sequence of ${table.name}.${column.name}`,
          settings,
          place: { table: table.name, column: column.name },
        });
      }
    }
  }
}
