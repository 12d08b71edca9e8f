/**
 * What the import does to each row between the dump and the target, in one object the import's single pass calls:
 * the column mapping (a value that does not convert is a finding, not a stop), the plan's repair rules, the
 * preflight checks made in TypeScript (row-checks.ts) and the target's CHECK constraints (check-constraints.ts).
 * The live import and the dry run use it alike, so that they find the same rows.
 */
import type { CanonicalValue } from '../convert/logical-types';
import type { DatabaseConnection, ForeignKeyInfo, ImportTransaction, Queryable, SchemaInfo } from '../dialects/dialect';
import { PodMigrateError } from '../errors';
import type { ResolvedPlan } from '../plan/types';
import { CheckConstraints } from './check-constraints';
import { findingsError, preflightFinding, repairFinding } from './findings';
import { mapRow, type TableMapping } from './mapping';
import { orphanPolicyOf } from './orphans';
import type { ImportPlan } from './preflight';
import { RowRepairs, runSqlRepair, sqlRepairs, type RepairReport } from './repairs';
import type { Reporter } from './reporter';
import { RowChecks } from './row-checks';

type Row = CanonicalValue[];

/** "meeting/recurring-until-not-before-start: 2 row(s) changed (id 3, 7)" */
export function formatRepair(report: RepairReport, dry: boolean): string {
  const keys = report.keys.length > 0 ? ` (${report.keys.join(', ')}${report.count > report.keys.length ? ', …' : ''})` : '';
  return `repair ${report.table}/${report.rule}: ${report.count} row(s) ${dry ? 'would be ' : ''}changed or merged${keys} — ${report.action}`;
}

export class ImportChecks {
  readonly repairs: RowRepairs;
  private readonly rows: RowChecks;
  private constraints: CheckConstraints;
  private readonly dialect: DatabaseConnection['dialect'];
  /** The plan has `sql` repair rules: they may rewrite any table after the rows are checked. */
  private readonly hasSqlRepairs: boolean;

  constructor(
    private readonly plan: ResolvedPlan,
    schema: SchemaInfo,
    target: DatabaseConnection,
    private readonly importPlan: ImportPlan,
    private readonly dry: boolean,
  ) {
    const mappings = [...importPlan.mappings.values()];
    this.repairs = new RowRepairs(mappings, target.dialect);
    this.rows = new RowChecks(schema, target.dialect, mappings, orphanPolicyOf(plan));
    this.constraints = new CheckConstraints(target, target.dialect, this.rows.findings);
    this.dialect = target.dialect;
    this.hasSqlRepairs = sqlRepairs(mappings).length > 0;
  }

  /** In the live import, CHECKs are evaluated on the import's own connection (inside its transaction). */
  useTransaction(tx: Queryable): void {
    this.constraints = new CheckConstraints(tx, this.dialect, this.rows.findings);
  }

  beginTable(mapping: TableMapping): void {
    this.repairs.beginTable(mapping);
    this.rows.beginTable(mapping);
  }

  /** The row in target form, or null when a value does not convert (a finding). */
  mapRow(mapping: TableMapping, row: Record<string, unknown>, rowNumber: number): Row | null {
    try {
      return mapRow(mapping, row, rowNumber);
    } catch (error) {
      if (!(error instanceof PodMigrateError) || error.code !== 'VALUE_INVALID') throw error;
      this.rows.conversionFailed(mapping, error, rowNumber);
      return null;
    }
  }

  repair(mapping: TableMapping, row: Row): Row | null {
    return this.repairs.active ? this.repairs.apply(mapping, row) : row;
  }

  check(mapping: TableMapping, row: Row, rowNumber: number): boolean {
    return this.rows.check(mapping, row, rowNumber);
  }

  /** The batch without the rows the target's CHECKs refuse (those become findings). */
  filterBatch(mapping: TableMapping, batch: Row[]): Promise<Row[]> {
    return this.constraints.filter(mapping, batch, (row) => this.rows.keyOf(mapping, row, 0));
  }

  /** Rows the repairs held back while the table streamed (merged duplicates), to write now. */
  endTable(mapping: TableMapping): Row[] {
    const held = this.repairs.active ? this.repairs.endTable(mapping) : [];
    this.rows.endTable(mapping);
    return held;
  }

  /** The table's repairs, for its tally. */
  noteFor(mapping: TableMapping): string | undefined {
    const changed = this.repairs.reports().filter((r) => r.table === mapping.target.name && r.count > 0);
    return changed.length > 0 ? `repaired: ${changed.map((r) => `${r.rule} ${r.count}`).join(', ')}` : undefined;
  }

  /** Reports the repairs; throws the findings (every row the target would refuse) when there are any. */
  finish(reporter: Reporter): void {
    this.rows.finish();
    for (const report of this.repairs.reports())
      if (report.count > 0) reporter.emit({ type: 'info', message: formatRepair(report, this.dry) });
    const findings = this.rows.findings.list();
    // Always shown (the console's Findings, --json, the report): they are a dry run's answer.
    const repaired = this.repairs.reports().filter((r) => r.count > 0);
    reporter.emit({ type: 'findings', findings: [...findings.map(preflightFinding), ...repaired.map((r) => repairFinding(r, this.dry))] });
    if (findings.length > 0) throw findingsError(findings, this.dry);
    const sql = sqlRepairs(this.importPlan.mappings.values());
    if (this.dry)
      for (const { table, rule } of sql)
        reporter.emit({
          type: 'dry',
          message: `repair ${table}/${rule.name}: would run template ${rule.sql} on the target once ${table} is written`,
        });
  }

  /**
   * Whether the rows' own checks decided this foreign key for every row written (RowChecks.decided), and nothing
   * rewrites the tables after them: a plan's `sql` repair may change any table.
   */
  decidedForeignKey(fk: ForeignKeyInfo): boolean {
    return this.rows.decided(fk) && !this.hasSqlRepairs;
  }

  /** The plan's `sql` repair rules, in the import transaction, once every row is written. */
  async runSqlRepairs(tx: ImportTransaction, reporter: Reporter): Promise<void> {
    for (const { table, rule } of sqlRepairs(this.importPlan.mappings.values())) {
      await runSqlRepair(tx, this.plan, this.dialect, rule);
      reporter.emit({ type: 'info', message: `repair ${table}/${rule.name}: ran template ${rule.sql}` });
    }
  }
}
