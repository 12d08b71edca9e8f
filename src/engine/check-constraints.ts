/**
 * CHECK constraints of the target, evaluated by the target itself on the rows before they are written: each
 * constraint's expression, as the catalog states it, is selected over the batch's values bound as parameters
 * (`SELECT (expr) FROM (VALUES ($1, …), …) t (col, …)`, on MySQL a UNION ALL of SELECTs: Dialect.rowsTable). No table is created or written — nothing to commit
 * implicitly on MariaDB, nothing to clean up — and the same query serves the dry run on the target's connection.
 * Only tables with CHECKs pay for it; a CHECK that names a column the import does not write is left to the database.
 * The constraints are read from the catalog at the first batch, inside the import's transaction (on PostgreSQL,
 * decompiling a CHECK waits for its table's lock: by then the import holds it).
 * The commonest CHECK, a bound on a number (Django's PositiveIntegerField on PostgreSQL: `(count >= 0)`), is read
 * and evaluated here without a query: most tables then cost nothing.
 */
import { isJsonText, type CanonicalValue } from '../convert/logical-types';
import type { ColumnInfo, Dialect, Queryable } from '../dialects/dialect';
import type { Findings } from './findings';
import type { TableMapping } from './mapping';
import { disabledRuleMatching } from './repairs';

type Row = CanonicalValue[];

/** Rows per SELECT: few enough parameters for any server. */
const ROWS_PER_QUERY = 500;

/** `col >= 0`, `(col > 1)`, `` `col` <= 10 ``: a number column against a number, evaluated without a query. */
const NUMBER_BOUND = /^\(*\s*[`"]?([A-Za-z_][A-Za-z0-9_]*)[`"]?\s*(>=|<=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*\)*$/;

interface NumberBound {
  name: string;
  index: number;
  test: (value: number) => boolean;
}

function numberBound(mapping: TableMapping, name: string, expression: string): NumberBound | null {
  const m = NUMBER_BOUND.exec(expression.trim());
  if (!m) return null;
  const index = mapping.columns.findIndex((c) => c.target.name === m[1]);
  if (index < 0 || mapping.columns[index].target.type !== 'integer') return null;
  const bound = Number(m[3]);
  const test = {
    '>=': (v: number) => v >= bound,
    '<=': (v: number) => v <= bound,
    '>': (v: number) => v > bound,
    '<': (v: number) => v < bound,
    '=': (v: number) => v === bound,
  }[m[2] as '>=' | '<=' | '>' | '<' | '='];
  return { name, index, test };
}

interface CompiledChecks {
  bounds: NumberBound[];
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
  /** Every table's CHECKs, read once, when the first batch needs them (see Dialect.checkConstraints). */
  private catalog: Promise<Map<string, Array<{ name: string; expression: string }>>> | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly dialect: Dialect,
    private readonly findings: Findings,
  ) {}

  private async compile(mapping: TableMapping): Promise<CompiledChecks | null> {
    if (this.compiled.has(mapping)) return this.compiled.get(mapping)!;
    this.catalog ??= this.dialect.checkConstraints(this.db);
    const written = ((await this.catalog).get(mapping.target.name) ?? []).filter((check) =>
      mapping.target.columns.every((c) => !mentions(check.expression, c.name) || mapping.columns.some((m) => m.target.name === c.name)),
    );
    const bounds = written.flatMap((c) => numberBound(mapping, c.name, c.expression) ?? []);
    const checks = written.filter((c) => !bounds.some((b) => b.name === c.name));
    const columns = mapping.columns.flatMap((m, index) =>
      checks.some((c) => mentions(c.expression, m.target.name)) ? [{ index, column: m.target }] : [],
    );
    const compiled =
      bounds.length > 0 || (checks.length > 0 && columns.length > 0)
        ? {
            bounds,
            names: columns.length > 0 ? checks.map((c) => c.name) : [],
            expressions: columns.length > 0 ? checks.map((c) => c.expression) : [],
            columns,
          }
        : null;
    this.compiled.set(mapping, compiled);
    return compiled;
  }

  /** The rows of the batch every CHECK accepts; the others become findings (keyed by `keyOf`). */
  async filter(mapping: TableMapping, rows: Row[], keyOf: (row: Row) => string): Promise<Row[]> {
    if (rows.length === 0) return rows;
    const compiled = await this.compile(mapping);
    if (!compiled) return rows;
    const rejected = new Set<number>();
    const reject = (i: number, name: string) => {
      rejected.add(i);
      this.findings.add(mapping.target.name, `CHECK ${name}`, keyOf(rows[i]), disabledRuleMatching(mapping, rows[i]));
    };
    for (const bound of compiled.bounds) {
      rows.forEach((row, i) => {
        const value = row[bound.index];
        // NULL passes a CHECK; integers beyond 2^53 travel as strings.
        if (value !== null && !bound.test(Number(value))) reject(i, bound.name);
      });
    }
    for (let start = 0; compiled.expressions.length > 0 && start < rows.length; start += ROWS_PER_QUERY) {
      const chunk = rows.slice(start, start + ROWS_PER_QUERY);
      const params: unknown[] = [];
      const values = chunk.map((row, n) => [
        String(start + n),
        ...compiled.columns.map(({ index, column }) => {
          const value = row[index];
          params.push(isJsonText(value) ? value.json : value);
          return this.dialect.typedPlaceholder(params.length, column);
        }),
      ]);
      const names = ['pm_row', ...compiled.columns.map(({ column }) => column.name)];
      const tests = compiled.expressions.map((e, k) => `(${e}) AS pm_check_${k}`).join(', ');
      const result = await this.db.query(`SELECT pm_row, ${tests} FROM ${this.dialect.rowsTable('pm_rows', names, values)}`, params);
      for (const r of result) {
        compiled.names.forEach((name, k) => {
          const value = r[`pm_check_${k}`];
          // A CHECK fails only when its expression is false (NULL passes, as in the database).
          if (value === false || value === 0 || value === '0') reject(Number(r.pm_row), name);
        });
      }
    }
    return rejected.size === 0 ? rows : rows.filter((_, i) => !rejected.has(i));
  }
}
