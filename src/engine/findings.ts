/**
 * What the import's preflight finds: every row the target would reject, grouped by table and constraint, counted,
 * with the keys of the first 20 rows (memory stays bounded however many rows break a rule) and the plan rule that
 * would fix them, when one exists but is switched off.
 */
import { PodMigrateError } from '../errors';
import type { RepairReport } from './repairs';
import type { Finding as RunFinding } from './summary';

export const SHOWN_FINDING_KEYS = 20;

export interface Finding {
  table: string;
  /** The constraint as the target names it ("NOT NULL title", "UNIQUE username", "CHECK frequency_gte_1", …). */
  constraint: string;
  count: number;
  /** Primary keys (or row numbers) of the first rows, at most SHOWN_FINDING_KEYS. */
  keys: string[];
  /** A repair rule of the plan, switched off, that would fix these rows. */
  fixableBy?: string;
}

export class Findings {
  private readonly byId = new Map<string, Finding>();
  /** Rows found, all findings. */
  total = 0;

  /** `count` rows breaking the constraint, the first of them `key`. */
  add(table: string, constraint: string, key: string, fixableBy?: string, count = 1): void {
    const id = `${table}\u0000${constraint}`;
    let finding = this.byId.get(id);
    if (!finding) {
      finding = { table, constraint, count: 0, keys: [] };
      this.byId.set(id, finding);
    }
    finding.count += count;
    this.total += count;
    if (finding.keys.length < SHOWN_FINDING_KEYS) finding.keys.push(key);
    if (fixableBy && !finding.fixableBy) finding.fixableBy = fixableBy;
  }

  list(): Finding[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}

/** A preflight finding as the run summary lists it (console, --json, report). */
export function preflightFinding(f: Finding): RunFinding {
  return {
    kind: 'preflight',
    table: f.table,
    constraint: f.constraint,
    count: f.count,
    keys: f.keys,
    ...(f.fixableBy ? { rule: `${f.fixableBy} (switched off) would fix it` } : {}),
  };
}

/** A repair rule's changed rows as the run summary lists them. */
export function repairFinding(r: RepairReport, dry: boolean): RunFinding {
  return {
    kind: dry ? 'repair (would apply)' : 'repair',
    table: r.table,
    constraint: r.action,
    count: r.count,
    keys: r.keys,
    rule: r.rule,
  };
}

/** "table auth_user: UNIQUE username: 1 row (id 12)" */
export function formatFinding(f: Finding): string {
  const more = f.count > f.keys.length ? `, … ${f.count - f.keys.length} more` : '';
  const fix = f.fixableBy ? `; plan rule ${f.fixableBy} (switched off) would fix it` : '';
  return `table ${f.table}: ${f.constraint}: ${f.count} row(s) (${f.keys.join(', ')}${more})${fix}`;
}

/** The error that stops an import whose rows the target would reject: every finding, one per line. */
export function findingsError(findings: Finding[], dry: boolean): PodMigrateError {
  const rows = findings.reduce((n, f) => n + f.count, 0);
  const head = dry
    ? `preflight: the target would reject ${rows} row(s); the live run would stop before writing anything`
    : `preflight: the target would reject ${rows} row(s): nothing was written`;
  const advice = 'Fix the source, or add a repair rule to the plan (see README, "Repair rules")';
  return new PodMigrateError('INTEGRITY', `${head}:\n${findings.map((f) => `  ${formatFinding(f)}`).join('\n')}\n${advice}`, {
    place: { table: findings[0]?.table },
  });
}
