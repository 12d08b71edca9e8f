/**
 * CHECK constraints of the target, evaluated by the target itself on the rows before they are written: each
 * constraint's expression, as the catalog states it, is selected over the batch's values bound as parameters
 * (`SELECT (expr) FROM (SELECT $1 AS col … UNION ALL …) t`). No table is created or written — nothing to commit
 * implicitly on MariaDB, nothing to clean up — and the same query serves the dry run on the target's connection.
 * Only tables with CHECKs pay for it; a CHECK that names a column the import does not write is left to the database.
 */
import { isJsonText, type CanonicalValue } from '../convert/logical-types';
import type { ColumnInfo, Dialect, Queryable } from '../dialects/dialect';
import type { Findings } from './findings';
import type { TableMapping } from './mapping';
import { disabledRuleMatching } from './repairs';

type Row = CanonicalValue[];

/** Rows per SELECT: few enough parameters for any server. */
const ROWS_PER_QUERY = 500;

interface CompiledChecks {
  names: string[];
  expressions: string[];
  /** Mapped columns the expressions read, by index in the row. */
  columns: Array<{ index: number; column: ColumnInfo }>;
}

function mentions(expression: string, column: string): boolean {
  const bare = expression.replace(/[`"]/g, '');
  return new RegExp(`(^|[^A-Za-z0-9_$])${column.replace(/[$]/g, '\\$')}([^A-Za-z0-9_$]|$)`).test(bare);
}

export class CheckConstraints {
  private readonly compiled = new Map<TableMapping, CompiledChecks | null>();

  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
    private readonly findings: Findings,
  ) {}

  private compile(mapping: TableMapping): CompiledChecks | null {
    if (this.compiled.has(mapping)) return this.compiled.get(mapping)!;
    const checks = (mapping.target.checks ?? []).filter((check) =>
      mapping.target.columns.every((c) => !mentions(check.expression, c.name) || mapping.columns.some((m) => m.target.name === c.name)),
    );
    const columns = mapping.columns.flatMap((m, index) => (checks.some((c) => mentions(c.expression, m.target.name)) ? [{ index, column: m.target }] : []));
    const compiled = checks.length > 0 && columns.length > 0 ? { names: checks.map((c) => c.name), expressions: checks.map((c) => c.expression), columns } : null;
    this.compiled.set(mapping, compiled);
    return compiled;
  }

  /** Whether the table's rows go through the target's CHECKs before they are written. */
  applies(mapping: TableMapping): boolean {
    return this.compile(mapping) !== null;
  }

  /** The rows of the batch every CHECK accepts; the others become findings (keyed by `keyOf`). */
  async filter(mapping: TableMapping, rows: Row[], keyOf: (row: Row) => string): Promise<Row[]> {
    const compiled = this.compile(mapping);
    if (!compiled || rows.length === 0) return rows;
    const rejected = new Set<number>();
    for (let start = 0; start < rows.length; start += ROWS_PER_QUERY) {
      const chunk = rows.slice(start, start + ROWS_PER_QUERY);
      const params: unknown[] = [];
      const selects = chunk.map((row, n) => {
        const values = compiled.columns.map(({ index, column }) => {
          const value = row[index];
          params.push(isJsonText(value) ? value.json : value);
          return `${this.dialect.typedPlaceholder(params.length, column)} AS ${this.dialect.quoteIdent(column.name)}`;
        });
        return `SELECT ${start + n} AS pm_row, ${values.join(', ')}`;
      });
      const tests = compiled.expressions.map((e, k) => `(${e}) AS pm_check_${k}`).join(', ');
      const result = await this.db.query(`SELECT pm_row, ${tests} FROM (${selects.join(' UNION ALL ')}) pm_rows`, params);
      for (const r of result) {
        compiled.names.forEach((name, k) => {
          const value = r[`pm_check_${k}`];
          // A CHECK fails only when its expression is false (NULL passes, as in the database).
          if (value === false || value === 0 || value === '0') {
            const row = rows[Number(r.pm_row)];
            rejected.add(Number(r.pm_row));
            this.findings.add(mapping.target.name, `CHECK ${name}`, keyOf(row), disabledRuleMatching(mapping, row));
          }
        });
      }
    }
    return rejected.size === 0 ? rows : rows.filter((_, i) => !rejected.has(i));
  }
}
