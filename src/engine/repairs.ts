/**
 * The plan's repair rules, applied to the source rows (canonical values, after the column mapping) before they reach
 * the target — in the live import and, on the same rows, in the dry run. Each rule reports the rows it changed: a
 * count and the keys of the first 20, and every key for verify (a repaired row is no difference).
 *
 * Rules: `set` and `drop` where a small declarative condition holds (evaluated here, never free-form code);
 * `mergeDuplicates`: rows sharing a key merged into the lowest id, the rows of the referencing tables re-pointed and
 * de-duplicated (lowest id kept). Merged rows are held until their table ends (the lowest id may come last), so
 * memory grows with the merged table (Pod's video_videotodelete: one row per deletion date); referencing rows are
 * held only when they point at a merged group. `sql` rules run on the target (see runSqlRepairs).
 */
import type { CanonicalValue, LogicalType } from '../convert/logical-types';
import { canonicalKey } from '../convert/verify-key';
import type { Dialect, ImportTransaction } from '../dialects/dialect';
import { PodMigrateError } from '../errors';
import { describeRepairRule, repairAction } from '../plan/repair-rules';
import type { RepairCondition, RepairRule, ResolvedPlan } from '../plan/types';
import type { TableMapping } from './mapping';
import { renderTemplate } from '../plan/render';

/** Keys shown per rule. */
export const SHOWN_KEYS = 20;

export interface RepairReport {
  /** Target table. */
  table: string;
  rule: string;
  why: string;
  /** The rule in words ("where … : set …"). */
  action: string;
  /** Rows changed or left out. */
  count: number;
  /** Primary keys of the first rows changed (at most SHOWN_KEYS). */
  keys: string[];
}

type Row = CanonicalValue[];

interface Tally {
  report: RepairReport;
  /** Every key changed or left out: verify names these rows as repaired. */
  all: Set<string>;
}

/** A table's mapped columns by target name, with a clear error for a rule naming a column the rows do not have. */
function columnIndex(mapping: TableMapping, rule: RepairRule, name: string): number {
  const index = mapping.columns.findIndex((c) => c.target.name === name);
  if (index < 0) {
    throw new PodMigrateError(
      'SCHEMA_MISMATCH',
      `repair rule ${rule.name} names column ${name}, which the rows written to ${mapping.target.name} do not have`,
      {
        place: { table: mapping.target.name, column: name },
      },
    );
  }
  return index;
}

/** A datetime compared with (or copied into) a date is its UTC date, as Pod's CHECKs read it. */
function asType(value: CanonicalValue, from: LogicalType, to: LogicalType): CanonicalValue {
  if (value === null) return null;
  if (to === 'date' && from === 'datetime' && typeof value === 'string') return value.slice(0, 10);
  return value;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;
/** What a table without rules or followers has: one shared list, not an empty array made for every row. */
const NONE: readonly never[] = [];

/** Order of two canonical values; null when either is NULL (a condition on NULL does not hold, as in SQL). */
function compare(a: CanonicalValue, b: CanonicalValue): number | null {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  // Integers beyond 2^53 and decimals travel as strings.
  if (DECIMAL.test(x) && DECIMAL.test(y)) return Number(x) - Number(y);
  return x < y ? -1 : x > y ? 1 : 0;
}

type Predicate = (row: Row) => boolean;

function compileCondition(mapping: TableMapping, rule: RepairRule, condition: RepairCondition): Predicate {
  const i = columnIndex(mapping, rule, condition.column);
  if (condition.op === 'is-null') return (row) => row[i] === null;
  if (condition.op === 'not-null') return (row) => row[i] !== null;
  const type = mapping.columns[i].target.type;
  let other: (row: Row) => CanonicalValue;
  if (condition.otherColumn !== undefined) {
    const j = columnIndex(mapping, rule, condition.otherColumn);
    const otherType = mapping.columns[j].target.type;
    // Date against datetime: both as dates.
    const common: LogicalType = type === 'date' || otherType === 'date' ? 'date' : type;
    const left = i;
    other = (row) => asType(row[j], otherType, common);
    const test = opTest(condition.op);
    return (row) => test(compare(asType(row[left], type, common), other(row)));
  }
  const value = (condition.value ?? null) as CanonicalValue;
  const test = opTest(condition.op);
  return (row) => test(compare(row[i], value));
}

function opTest(op: RepairCondition['op']): (order: number | null) => boolean {
  switch (op) {
    case '=':
      return (o) => o === 0;
    case '!=':
      return (o) => o !== null && o !== 0;
    case '<':
      return (o) => o !== null && o < 0;
    case '<=':
      return (o) => o !== null && o <= 0;
    case '>':
      return (o) => o !== null && o > 0;
    default:
      return (o) => o !== null && o >= 0;
  }
}

/** A compiled `set` / `drop` rule of one table. */
interface RowRule {
  tally: Tally;
  where: Predicate;
  /** null: drop the row. */
  change: ((row: Row) => void) | null;
}

/** A merge rule of one parent table, while and after its rows stream. */
interface MergeState {
  rule: RepairRule;
  tally: Tally;
  keyIndexes: number[];
  idIndex: number;
  idType: LogicalType;
  /** Group key → the row with the lowest id so far. */
  kept: Map<string, Row>;
  /** Dropped id (canonical key) → its group key, while the table streams. */
  droppedGroup: Map<string, string>;
  /** Dropped id (canonical key) → kept id (value), once the table has ended. */
  redirect: Map<string, CanonicalValue>;
  /** Kept ids (canonical keys) of groups that had duplicates. */
  mergedInto: Set<string>;
  done: boolean;
  fold: (text: string) => string;
}

/** How a referencing table follows a merge: its column re-pointed, duplicates on `unique` dropped. */
interface Follower {
  merge: MergeState;
  tally: Tally;
  column: number;
  unique: number[];
  idIndex: number;
  /** Unique key → lowest row, for rows pointing at a merged group. */
  held: Map<string, Row>;
}

export class RowRepairs {
  private readonly tallies: Tally[] = [];
  private readonly rowRules = new Map<string, RowRule[]>();
  private readonly merges = new Map<string, MergeState>();
  private readonly followers = new Map<string, Follower[]>();
  /** Rules by plan table name, enabled and not `sql` (those run on the target). */
  private readonly rules = new Map<string, RepairRule[]>();
  /** Tables whose rules name columns their rows lack: an error if a row comes (an empty dump table has no columns). */
  private readonly uncompiled = new Map<string, unknown>();

  constructor(
    mappings: Iterable<TableMapping>,
    private readonly dialect: Dialect,
  ) {
    for (const mapping of mappings) {
      const rules = mapping.plan.repairs.filter((r) => r.enabled !== false && repairAction(r) !== 'sql');
      if (rules.length > 0) this.rules.set(mapping.plan.name, rules);
    }
  }

  /** Whether any rule applies to the rows (a plan with none costs nothing). */
  get active(): boolean {
    return this.rules.size > 0;
  }

  private tally(table: string, rule: RepairRule): Tally {
    const tally: Tally = {
      report: { table, rule: rule.name, why: rule.why ?? '', action: describeRepairRule(rule), count: 0, keys: [] },
      all: new Set(),
    };
    this.tallies.push(tally);
    return tally;
  }

  private static count(tally: Tally, key: string): void {
    if (tally.all.has(key)) return;
    tally.all.add(key);
    tally.report.count += 1;
    if (tally.report.keys.length < SHOWN_KEYS) tally.report.keys.push(key);
  }

  private static idIndexOf(mapping: TableMapping, rule: RepairRule): number {
    const pk = mapping.target.primaryKey;
    if (pk.length !== 1)
      throw new PodMigrateError('SCHEMA_MISMATCH', `repair rule ${rule.name} needs a one-column primary key on ${mapping.target.name}`, {
        place: { table: mapping.target.name },
      });
    return columnIndex(mapping, rule, pk[0]);
  }

  /** Compiles the table's rules against its mapped columns; a referencing table must come after its merged table. */
  beginTable(mapping: TableMapping): void {
    try {
      this.compileRules(mapping);
    } catch (error) {
      this.uncompiled.set(mapping.target.name, error);
    }
    this.followTable(mapping);
  }

  private compileRules(mapping: TableMapping): void {
    const table = mapping.target.name;
    for (const rule of this.rules.get(mapping.plan.name) ?? []) {
      if (rule.set || rule.drop) {
        const conditions = (rule.where ?? []).map((c) => compileCondition(mapping, rule, c));
        const where: Predicate = (row) => conditions.every((test) => test(row));
        let change: RowRule['change'] = null;
        if (rule.set) {
          const target = columnIndex(mapping, rule, rule.set.column);
          const targetType = mapping.columns[target].target.type;
          if (rule.set.fromColumn !== undefined) {
            const from = columnIndex(mapping, rule, rule.set.fromColumn);
            const fromType = mapping.columns[from].target.type;
            change = (row) => (row[target] = asType(row[from], fromType, targetType));
          } else {
            const value = (rule.set.value ?? null) as CanonicalValue;
            change = (row) => (row[target] = value);
          }
        }
        const list = this.rowRules.get(table) ?? [];
        list.push({ tally: this.tally(table, rule), where, change });
        this.rowRules.set(table, list);
      } else if (rule.mergeDuplicates) {
        const idIndex = RowRepairs.idIndexOf(mapping, rule);
        const keyIndexes = rule.mergeDuplicates.key.map((k) => columnIndex(mapping, rule, k));
        const collation = keyIndexes.map((k) => mapping.columns[k].target.collation).find((c) => c) ?? null;
        const merge: MergeState = {
          rule,
          tally: this.tally(table, rule),
          keyIndexes,
          idIndex,
          idType: mapping.columns[idIndex].target.type,
          kept: new Map(),
          droppedGroup: new Map(),
          redirect: new Map(),
          mergedInto: new Set(),
          done: false,
          // The key compared as the target's UNIQUE index compares it.
          fold: this.dialect.uniqueFold(collation),
        };
        this.merges.set(table, merge);
        for (const ref of rule.mergeDuplicates.references ?? []) {
          const list = this.followers.get(ref.table) ?? [];
          list.push({
            merge,
            tally: this.tally(ref.table, { ...rule, name: `${rule.name} (${ref.table})` }),
            column: -1,
            unique: [],
            idIndex: -1,
            held: new Map(),
          });
          this.followers.set(ref.table, list);
        }
      }
    }
  }

  private followTable(mapping: TableMapping): void {
    const table = mapping.target.name;
    for (const follower of this.followers.get(table) ?? []) {
      const ref = (follower.merge.rule.mergeDuplicates?.references ?? []).find((r) => r.table === table)!;
      if (!follower.merge.done) {
        throw new PodMigrateError(
          'SCHEMA_MISMATCH',
          `repair rule ${follower.merge.rule.name}: ${table} comes before ${[...this.merges.entries()].find(([, m]) => m === follower.merge)?.[0]} in the dump; re-pointing its rows needs the merged table first`,
          { place: { table } },
        );
      }
      follower.column = columnIndex(mapping, follower.merge.rule, ref.column);
      follower.unique = (ref.unique ?? []).map((c) => columnIndex(mapping, follower.merge.rule, c));
      follower.idIndex = RowRepairs.idIndexOf(mapping, follower.merge.rule);
    }
  }

  /** The row to write (changed in place), or null when it is left out or held until the table ends. */
  apply(mapping: TableMapping, row: Row): Row | null {
    const table = mapping.target.name;
    if (this.uncompiled.has(table)) throw this.uncompiled.get(table);
    for (const rule of this.rowRules.get(table) ?? NONE) {
      if (!rule.where(row)) continue;
      const key = this.keyOf(mapping, row);
      RowRepairs.count(rule.tally, key);
      if (rule.change === null) return null;
      rule.change(row);
    }
    const merge = this.merges.get(table);
    if (merge) {
      const group = merge.keyIndexes
        .map((k) => (typeof row[k] === 'string' ? merge.fold(row[k] as string) : canonicalKey(row[k], mapping.columns[k].target.type)))
        .join('\u0000');
      const other = merge.kept.get(group);
      if (other === undefined) merge.kept.set(group, row);
      else {
        const [low, high] = compare(row[merge.idIndex], other[merge.idIndex])! < 0 ? [row, other] : [other, row];
        merge.kept.set(group, low);
        // Its group's lowest id is known when the table ends.
        const dropped = canonicalKey(high[merge.idIndex], merge.idType);
        merge.droppedGroup.set(dropped, group);
        RowRepairs.count(merge.tally, dropped);
      }
      return null;
    }
    for (const follower of this.followers.get(table) ?? NONE) {
      const target = follower.merge.redirect.get(canonicalKey(row[follower.column], follower.merge.idType));
      const id = canonicalKey(row[follower.idIndex], mapping.columns[follower.idIndex].target.type);
      if (target !== undefined) {
        row[follower.column] = target;
        RowRepairs.count(follower.tally, id);
      }
      if (follower.unique.length > 0 && follower.merge.mergedInto.has(canonicalKey(row[follower.column], follower.merge.idType))) {
        const unique = follower.unique.map((u) => canonicalKey(row[u], mapping.columns[u].target.type)).join('\u0000');
        const other = follower.held.get(unique);
        if (other === undefined) follower.held.set(unique, row);
        else {
          const [low, high] = compare(row[follower.idIndex], other[follower.idIndex])! < 0 ? [row, other] : [other, row];
          follower.held.set(unique, low);
          RowRepairs.count(follower.tally, canonicalKey(high[follower.idIndex], mapping.columns[follower.idIndex].target.type));
        }
        return null;
      }
    }
    return row;
  }

  /** Rows held back while the table streamed (merged groups), to write now, in id order. */
  endTable(mapping: TableMapping): Row[] {
    const table = mapping.target.name;
    const merge = this.merges.get(table);
    if (merge) {
      merge.done = true;
      for (const [dropped, group] of merge.droppedGroup) {
        const id = merge.kept.get(group)![merge.idIndex];
        merge.redirect.set(dropped, id);
        merge.mergedInto.add(canonicalKey(id, merge.idType));
      }
      return byId([...merge.kept.values()], merge.idIndex);
    }
    const held = (this.followers.get(table) ?? []).flatMap((f) => byId([...f.held.values()], f.idIndex));
    return held;
  }

  private keyOf(mapping: TableMapping, row: Row): string {
    const pk = mapping.target.primaryKey;
    return pk
      .map((name) => {
        const i = mapping.columns.findIndex((c) => c.target.name === name);
        return i < 0 ? '' : canonicalKey(row[i], mapping.columns[i].target.type);
      })
      .join(',');
  }

  /** What each enabled rule changed, in rule order (rules that changed nothing included, with count 0). */
  reports(): RepairReport[] {
    return this.tallies.map((t) => t.report);
  }

  /** Every key a rule changed or left out, per target table: verify names these rows as repaired. */
  changedKeys(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const { report, all } of this.tallies) {
      if (all.size === 0) continue;
      const set = out.get(report.table) ?? new Set<string>();
      for (const k of all) set.add(k);
      out.set(report.table, set);
    }
    return out;
  }
}

const compiledWhere = new WeakMap<RepairRule, Map<TableMapping, Predicate>>();

/**
 * The first switched-off `set` / `drop` rule of the table whose condition holds for the row: the rule that would
 * fix a row the preflight refuses. Compiled once per rule and table.
 */
export function disabledRuleMatching(mapping: TableMapping, row: Row): string | undefined {
  for (const rule of mapping.plan.repairs) {
    if (rule.enabled !== false || !(rule.set || rule.drop) || !rule.where) continue;
    const byMapping = compiledWhere.get(rule) ?? new Map<TableMapping, Predicate>();
    compiledWhere.set(rule, byMapping);
    let where = byMapping.get(mapping);
    if (!where) {
      try {
        const conditions = rule.where.map((c) => compileCondition(mapping, rule, c));
        where = (r) => conditions.every((test) => test(r));
      } catch {
        where = () => false; // a rule naming a column the rows lack fixes nothing here
      }
      byMapping.set(mapping, where);
    }
    if (where(row)) return rule.name;
  }
  return undefined;
}

function byId(rows: Row[], idIndex: number): Row[] {
  return rows.sort((a, b) => compare(a[idIndex], b[idIndex]) ?? 0);
}

/** The enabled `sql` rules of the written tables, in plan order: run on the target once the rows are in. */
export function sqlRepairs(mappings: Iterable<TableMapping>): Array<{ table: string; rule: RepairRule }> {
  const out: Array<{ table: string; rule: RepairRule }> = [];
  for (const mapping of mappings) {
    for (const rule of mapping.plan.repairs)
      if (rule.enabled !== false && rule.sql !== undefined) out.push({ table: mapping.target.name, rule });
  }
  return out;
}

/** Runs one `sql` rule's template in the import transaction. */
export async function runSqlRepair(tx: ImportTransaction, plan: ResolvedPlan, dialect: Dialect, rule: RepairRule): Promise<void> {
  const { sql, params } = renderTemplate(plan, rule.sql!, dialect, {});
  await tx.query(sql, params);
}
