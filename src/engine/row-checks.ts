/**
 * The preflight checks made in TypeScript on each row, after the repairs, before it reaches the target (live) or
 * instead of it (dry run): values that do not convert, NOT NULL, text longer than its column, UNIQUE keys and the
 * primary key as the target's collation compares them (MariaDB utf8mb4_general_ci: 'Élodie.M' = 'elodie.m'), and
 * foreign keys between the imported tables. A row with a finding is not written: the run reports every such row
 * and stops before COMMIT. CHECK constraints are evaluated by the target itself (check-constraints.ts).
 *
 * Memory: findings are counted (first 20 keys each); the UNIQUE and foreign-key checks keep the keys they compare in
 * KeySets (a bit per id, 8 bytes per other key), not as strings: a 1M-row table costs a few MB, not a hundred; the
 * foreign-key values not decidable yet are logged at about 4 bytes a row (pending-references.ts).
 */
import type { CanonicalValue } from '../convert/logical-types';
import { canonicalKey } from '../convert/verify-key';
import type { Dialect, ForeignKeyInfo, SchemaInfo } from '../dialects/dialect';
import type { PodMigrateError } from '../errors';
import type { OrphanPolicy } from '../plan/types';
import { Findings } from './findings';
import { KeySet, smallIntegerKey } from './key-set';
import { PendingReferences } from './pending-references';
import type { TableMapping } from './mapping';
import { disabledRuleMatching } from './repairs';

type Row = CanonicalValue[];

interface UniqueCheck {
  constraint: string;
  columns: number[];
  folds: Array<(value: CanonicalValue) => string>;
  seen: KeySet;
  /** A switched-off merge rule on these very columns would fix a duplicate. */
  fixableBy?: string;
}

interface TableChecks {
  notNull: number[];
  lengths: Array<{ index: number; max: number }>;
  uniques: UniqueCheck[];
  keyIndexes: number[];
  /** Foreign keys leaving this table that are checked here: column index, `present`'s name for the referenced column. */
  references: Array<{ fk: ForeignKeyInfo; index: number; presentName: string }>;
  /** Columns other tables reference: their values are recorded (in `present`'s set for that column). */
  referenced: Array<{ index: number; values: KeySet }>;
}

export class RowChecks {
  readonly findings = new Findings();
  private readonly tables = new Map<string, TableChecks>();
  /** Values of referenced columns, by `table.column`. */
  private readonly present = new Map<string, KeySet>();
  private readonly complete = new Set<string>();
  /** Per foreign key, its values not (yet) found among the referenced rows. */
  private readonly pending = new Map<ForeignKeyInfo, PendingReferences>();
  private readonly imported: Set<string>;
  /** Tables the import empties and fills from the source alone (strategy replace). */
  private readonly replaced: Set<string>;
  /** Foreign keys decided here for every row written (see `decided`), by `foreignKeyName`. */
  private readonly decidedKeys = new Set<string>();

  constructor(
    private readonly schema: SchemaInfo,
    private readonly dialect: Dialect,
    mappings: Iterable<TableMapping>,
    private readonly policyFor: (table: string) => OrphanPolicy,
  ) {
    const all = [...mappings];
    this.imported = new Set(all.filter((m) => m.plan.strategy !== 'skip').map((m) => m.target.name));
    this.replaced = new Set(all.filter((m) => m.plan.strategy === 'replace').map((m) => m.target.name));
  }

  /**
   * Whether every row the import wrote into the key's table had its reference checked here against the rows it wrote
   * into the referenced table: both tables replaced (no row of the target's own in either), the referenced one not
   * shrunk afterwards by an orphan policy of its own. A search for orphans in SQL would then find none (it is still
   * made for the other keys, and for all of them when the plan has SQL repairs: see ImportChecks).
   */
  decided(fk: ForeignKeyInfo): boolean {
    return this.decidedKeys.has(foreignKeyName(fk));
  }

  private foldOf(mapping: TableMapping, index: number): (value: CanonicalValue) => string {
    const column = mapping.columns[index].target;
    const fold = this.dialect.uniqueFold(column.collation);
    return (value) => (typeof value === 'string' && column.type === 'text' ? fold(value) : canonicalKey(value, column.type));
  }

  beginTable(mapping: TableMapping): void {
    this.decidePending();
    const table = mapping.target;
    const indexOf = (name: string) => mapping.columns.findIndex((c) => c.target.name === name);
    const uniques: UniqueCheck[] = [];
    // A merge table keeps target rows of its own (re-keyed): its keys are the merge's business.
    if (mapping.plan.strategy !== 'merge') {
      const keys = [
        ...(table.primaryKey.length > 0 ? [{ name: 'PRIMARY KEY', columns: table.primaryKey }] : []),
        ...(table.uniqueKeys ?? []),
      ];
      for (const key of keys) {
        const columns = key.columns.map(indexOf);
        if (columns.some((i) => i < 0)) continue; // a column the rows do not write: the database default decides
        const merge = mapping.plan.repairs.find((r) => r.enabled === false && r.mergeDuplicates?.key.join() === key.columns.join());
        uniques.push({
          constraint:
            key.name === 'PRIMARY KEY' ? `PRIMARY KEY (${key.columns.join(', ')})` : `UNIQUE ${key.name} (${key.columns.join(', ')})`,
          columns,
          folds: columns.map((i) => this.foldOf(mapping, i)),
          seen: new KeySet(),
          fixableBy: merge?.name,
        });
      }
    }
    const references = this.schema.foreignKeys
      .filter((fk) => fk.table === table.name && this.imported.has(fk.refTable) && this.policyFor(fk.table) === 'fail')
      .map((fk) => ({ fk, index: indexOf(fk.column), presentName: `${fk.refTable}.${fk.refColumn}` }))
      .filter((r) => r.index >= 0);
    if (this.replaced.has(table.name)) {
      for (const { fk } of references)
        if (this.replaced.has(fk.refTable) && this.policyFor(fk.refTable) === 'fail') this.decidedKeys.add(foreignKeyName(fk));
    }
    const referenced = [...new Set(this.schema.foreignKeys.filter((fk) => fk.refTable === table.name).map((fk) => fk.refColumn))]
      .map((column) => ({ column, index: indexOf(column) }))
      .filter((r) => r.index >= 0);
    const recorded = referenced.map(({ column, index }) => {
      const name = `${table.name}.${column}`;
      const values = this.present.get(name) ?? new KeySet();
      this.present.set(name, values);
      return { index, values };
    });
    this.tables.set(table.name, {
      notNull: mapping.columns.flatMap((c, i) => (!c.target.nullable && !c.target.autoIncrement ? [i] : [])),
      lengths: mapping.columns.flatMap((c, i) =>
        c.target.type === 'text' && c.target.maxLength !== null ? [{ index: i, max: c.target.maxLength }] : [],
      ),
      uniques,
      keyIndexes: table.primaryKey.map(indexOf).filter((i) => i >= 0),
      references,
      referenced: recorded,
    });
  }

  /** The row's key for reports: its primary key, or its row number. */
  keyOf(mapping: TableMapping, row: Row, rowNumber: number): string {
    const checks = this.tables.get(mapping.target.name);
    if (!checks || checks.keyIndexes.length === 0) return `row ${rowNumber}`;
    return checks.keyIndexes.map((i) => canonicalKey(row[i], mapping.columns[i].target.type)).join(',');
  }

  /** A value's canonical key: the number itself for a small integer id (no string), else its text. */
  private keyOfValue(mapping: TableMapping, row: Row, index: number): string | number {
    const type = mapping.columns[index].target.type;
    return smallIntegerKey(row[index], type) ?? canonicalKey(row[index], type);
  }

  /** A value that does not convert to its column (mapRow refused it). */
  conversionFailed(mapping: TableMapping, error: PodMigrateError, rowNumber: number): void {
    this.findings.add(
      mapping.target.name,
      `value that does not convert${error.place.column ? ` (${error.place.column})` : ''}: ${error.message}`,
      `row ${rowNumber}`,
    );
  }

  /** Checks one row; false when the target would reject it (it is then not written). */
  check(mapping: TableMapping, row: Row, rowNumber: number): boolean {
    const table = mapping.target.name;
    const checks = this.tables.get(table)!;
    const before = this.findings.total;
    for (const i of checks.notNull) {
      if (row[i] === null)
        this.findings.add(
          table,
          `NOT NULL ${mapping.columns[i].target.name}`,
          this.keyOf(mapping, row, rowNumber),
          disabledRuleMatching(mapping, row),
        );
    }
    for (const { index, max } of checks.lengths) {
      const value = row[index];
      if (typeof value === 'string' && value.length > max && Array.from(value).length > max) {
        this.findings.add(
          table,
          `length of ${mapping.columns[index].target.name} (${mapping.columns[index].target.nativeType}, at most ${max})`,
          this.keyOf(mapping, row, rowNumber),
          disabledRuleMatching(mapping, row),
        );
      }
    }
    for (const unique of checks.uniques) {
      // NULLs never collide. One column (most keys): its folded value as it is, no array per row; a small integer id
      // as the number (what KeySet reads its text as), no text made per row.
      let folded: string | number;
      if (unique.columns.length === 1) {
        const index = unique.columns[0];
        const value = row[index];
        if (value === null) continue;
        folded = smallIntegerKey(value, mapping.columns[index].target.type) ?? unique.folds[0](value);
      } else {
        if (unique.columns.some((i) => row[i] === null)) continue;
        folded = unique.columns.map((i, n) => unique.folds[n](row[i])).join('\u0000');
      }
      if (!unique.seen.add(folded))
        this.findings.add(
          table,
          unique.constraint,
          this.keyOf(mapping, row, rowNumber),
          unique.fixableBy ?? disabledRuleMatching(mapping, row),
        );
    }
    for (const { index, values } of checks.referenced) {
      if (row[index] !== null) values.add(this.keyOfValue(mapping, row, index));
    }
    for (const { fk, index, presentName } of checks.references) {
      if (row[index] === null) continue;
      const value = this.keyOfValue(mapping, row, index);
      // The referenced table read already (or this one): decide now; otherwise when everything is read.
      if (this.complete.has(fk.refTable) && fk.refTable !== table) {
        if (!this.present.get(presentName)?.has(value)) this.orphan(fk, this.keyOf(mapping, row, rowNumber));
        continue;
      }
      let pending = this.pending.get(fk);
      if (!pending) {
        pending = new PendingReferences();
        this.pending.set(fk, pending);
      }
      const single = checks.keyIndexes.length === 1 ? checks.keyIndexes[0] : -1;
      pending.add(
        value,
        (single >= 0 ? smallIntegerKey(row[single], mapping.columns[single].target.type) : null) ??
          (() => this.keyOf(mapping, row, rowNumber)),
      );
    }
    return this.findings.total === before;
  }

  private orphan(fk: ForeignKeyInfo, key: string, count = 1): void {
    this.findings.add(
      fk.table,
      `FOREIGN KEY ${fk.column} → ${fk.refTable}.${fk.refColumn} (orphan rows; or "orphans: skip|null" on ${fk.table} in the plan)`,
      key,
      undefined,
      count,
    );
  }

  endTable(mapping: TableMapping): void {
    this.complete.add(mapping.target.name);
    // Values kept only for the keys of this table: a table's own rows are checked once.
    for (const unique of this.tables.get(mapping.target.name)?.uniques ?? []) unique.seen.clear();
  }

  /** Foreign keys whose referenced rows came later in the stream (or never): decided once everything is read. */
  finish(): void {
    for (const [fk, pending] of this.pending) this.decide(fk, pending);
    this.pending.clear();
  }

  /**
   * The pending values of foreign keys whose referenced table has been read whole (and its held rows checked: this
   * runs when the next table begins), decided now and their log let go: at 100,000 videos the encodings' references
   * to the videos held megabytes until the end of the import.
   */
  private decidePending(): void {
    for (const [fk, pending] of this.pending) {
      if (!this.complete.has(fk.refTable)) continue;
      this.decide(fk, pending);
      this.pending.delete(fk);
    }
  }

  private decide(fk: ForeignKeyInfo, pending: PendingReferences): void {
    const present = this.present.get(`${fk.refTable}.${fk.refColumn}`);
    const orphans = pending.unresolved((value) => present?.has(value) ?? false);
    // In the order the rows came, as far as their integer keys tell it (ascending); other keys after them.
    const rank = (key: string) => (/^\d+$/.test(key) ? Number(key) : Number.POSITIVE_INFINITY);
    orphans.sort((a, b) => rank(a.key) - rank(b.key) || 0);
    for (const { key, count } of orphans) this.orphan(fk, key, count);
  }
}

function foreignKeyName(fk: ForeignKeyInfo): string {
  return `${fk.table}.${fk.column}\u0000${fk.refTable}.${fk.refColumn}`;
}
