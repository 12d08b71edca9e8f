/**
 * `strategy: merge`: the source rows replace the target's, but target rows whose natural key the source
 * lacks survive, re-keyed past the source's ids (e.g. v4-only content types and their permissions). Foreign
 * keys between merged tables follow the re-keying.
 */
import type { CanonicalValue, LogicalType } from '../convert/logical-types';
import { canonicalKey } from '../convert/verify-key';
import type { DatabaseConnection, ImportTransaction, SchemaInfo } from '../dialects/dialect';
import type { TableMapping } from './mapping';

export class MergeTable {
  /** Target rows present before the import, all target columns. */
  private kept: CanonicalValue[][] = [];
  private readonly sourceIdByKey = new Map<string, CanonicalValue>();
  private maxId = 0;
  /** Old target id → id after the import (a source row's id, or a new one). */
  readonly idMap = new Map<string, CanonicalValue>();
  private readonly keyIndexes: number[];
  private readonly idIndex: number;
  private readonly mappedKeyIndexes: number[];
  private readonly mappedIdIndex: number;
  private readonly keyTypes: LogicalType[];

  constructor(readonly mapping: TableMapping) {
    const columns = mapping.target.columns.map((c) => c.name);
    const mapped = mapping.columns.map((c) => c.target.name);
    const id = mapping.target.primaryKey[0];
    this.keyIndexes = mapping.plan.key.map((k) => columns.indexOf(k));
    this.idIndex = columns.indexOf(id);
    this.mappedKeyIndexes = mapping.plan.key.map((k) => mapped.indexOf(k));
    this.mappedIdIndex = mapped.indexOf(id);
    this.keyTypes = mapping.plan.key.map((k) => mapping.target.columns.find((c) => c.name === k)?.type ?? 'text');
  }

  get table(): string {
    return this.mapping.target.name;
  }

  /** Reads the target's rows before anything is deleted. */
  async readTarget(target: DatabaseConnection): Promise<void> {
    for await (const row of target.streamRows(this.mapping.target, this.mapping.target.columns)) this.kept.push(row);
  }

  /** The natural key of a row, comparable between source rows and target rows. */
  private keyOf(row: CanonicalValue[], indexes: number[]): string {
    // JSON of the parts: unambiguous whatever characters the key values hold.
    return JSON.stringify(indexes.map((i, n) => canonicalKey(i >= 0 ? row[i] : null, this.keyTypes[n])));
  }

  /** Sees every source row written (mapped columns order). */
  observeSourceRow(row: CanonicalValue[]): void {
    const key = this.keyOf(row, this.mappedKeyIndexes);
    const id = this.mappedIdIndex >= 0 ? row[this.mappedIdIndex] : null;
    this.sourceIdByKey.set(key, id);
    if (typeof id === 'number' && id > this.maxId) this.maxId = id;
    if (typeof id === 'string' && Number(id) > this.maxId) this.maxId = Number(id);
  }

  /**
   * Writes back the kept target rows the source lacks, with new ids; `others` are the merge tables already
   * done, whose id maps re-point this table's foreign keys.
   */
  async writeKept(tx: ImportTransaction, schema: SchemaInfo, others: MergeTable[]): Promise<number> {
    const columns = this.mapping.target.columns;
    const repoint = schema.foreignKeys
      .filter((fk) => fk.table === this.table)
      .flatMap((fk) => {
        const parent = others.find((m) => m.table === fk.refTable);
        const index = columns.findIndex((c) => c.name === fk.column);
        return parent && index >= 0 ? [{ index, parent }] : [];
      });
    const toWrite: CanonicalValue[][] = [];
    for (const original of this.kept) {
      const row = [...original];
      for (const { index, parent } of repoint) {
        const mapped = parent.idMap.get(String(row[index]));
        if (mapped !== undefined) row[index] = mapped;
      }
      const oldId = String(row[this.idIndex]);
      const sourceId = this.sourceIdByKey.get(this.keyOf(row, this.keyIndexes));
      if (sourceId !== undefined) {
        this.idMap.set(oldId, sourceId);
        continue;
      }
      this.maxId += 1;
      row[this.idIndex] = this.maxId;
      this.idMap.set(oldId, this.maxId);
      toWrite.push(row);
    }
    this.kept = [];
    if (toWrite.length > 0) await tx.insertRows(this.mapping.target, columns, toWrite);
    return toWrite.length;
  }
}

/** Parents first: a merge table that references another one comes after it. */
export function orderMergeTables(tables: MergeTable[], schema: SchemaInfo): MergeTable[] {
  const names = new Set(tables.map((t) => t.table));
  const ordered: MergeTable[] = [];
  const pending = [...tables];
  while (pending.length > 0) {
    const index = pending.findIndex((t) =>
      schema.foreignKeys.every(
        (fk) => fk.table !== t.table || fk.refTable === t.table || !names.has(fk.refTable) || ordered.some((o) => o.table === fk.refTable),
      ),
    );
    ordered.push(...pending.splice(Math.max(index, 0), 1));
  }
  return ordered;
}
