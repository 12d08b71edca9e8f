/**
 * Column mapping of one table: which dump (source) column feeds which target column, after the plan's
 * renames, drops, defaults and conversions. Written columns = target columns ∩ (renamed) source columns,
 * plus target columns that get a plan default. Pure: no database, no I/O.
 */
import { applyConversion, fromDumpValue } from '../convert/dump-values';
import type { CanonicalValue } from '../convert/logical-types';
import type { ColumnInfo, TableInfo } from '../dialects/dialect';
import { PodMigrateError, type ErrorPlace } from '../errors';
import type { ColumnRule, ResolvedTable, ScalarValue } from '../plan/types';

export interface ColumnMapping {
  target: ColumnInfo;
  /** Dump key feeding the column; null when the column only gets the plan's default. */
  source: string | null;
  rule: ColumnRule | null;
}

export interface TableMapping {
  plan: ResolvedTable;
  target: TableInfo;
  /** In target column order. */
  columns: ColumnMapping[];
  /** Source columns the plan drops, with the plan's reason. */
  dropped: Array<{ column: string; why: string | null }>;
  /** Source columns the target does not have and the plan does not mention: their values would be lost. */
  unmapped: string[];
  /** Target columns filled from the plan's default (source lacks them). */
  defaulted: Array<{ column: string; value: ScalarValue }>;
  /** Target NOT NULL columns without any value: the import cannot run. */
  missingRequired: string[];
  /** Target nullable columns the source lacks: NULL (or the database default). */
  leftNull: string[];
}

function targetNameOf(sourceColumn: string, rule: ColumnRule | undefined): string {
  return rule?.rename ?? sourceColumn;
}

export function mapTable(plan: ResolvedTable, target: TableInfo, sourceColumns: Iterable<string>): TableMapping {
  const sources = [...sourceColumns];
  const bySourceTarget = new Map<string, string>();
  const dropped: TableMapping['dropped'] = [];
  for (const source of sources) {
    const rule = plan.columns[source];
    if (rule?.drop) {
      dropped.push({ column: source, why: rule.why ?? null });
      continue;
    }
    const targetName = targetNameOf(source, rule);
    const other = bySourceTarget.get(targetName);
    if (other !== undefined) {
      // Two source columns feeding one target column: one of them would be lost, whichever the dump lists last.
      throw new PodMigrateError(
        'SCHEMA_MISMATCH',
        `source columns ${other} and ${source} would both be written to ${target.name}.${targetName}: drop or rename one of them in the plan`,
        {
          place: { table: plan.name, column: source },
        },
      );
    }
    bySourceTarget.set(targetName, source);
  }
  const targetNames = new Set(target.columns.map((c) => c.name));
  const unmapped = [...bySourceTarget.entries()].filter(([t]) => !targetNames.has(t)).map(([, s]) => s);

  const columns: ColumnMapping[] = [];
  const defaulted: TableMapping['defaulted'] = [];
  const missingRequired: string[] = [];
  const leftNull: string[] = [];
  // Rules keyed by the target name, for defaults given to columns the source lacks.
  const ruleForTarget = new Map<string, ColumnRule>();
  for (const [name, rule] of Object.entries(plan.columns)) ruleForTarget.set(targetNameOf(name, rule), rule);

  for (const column of target.columns) {
    const source = bySourceTarget.get(column.name) ?? null;
    const rule = (source !== null ? plan.columns[source] : undefined) ?? ruleForTarget.get(column.name) ?? null;
    if (rule?.drop) continue;
    if (source !== null) {
      columns.push({ target: column, source, rule });
      continue;
    }
    if (rule && rule.default !== undefined) {
      columns.push({ target: column, source: null, rule });
      defaulted.push({ column: column.name, value: rule.default });
    } else if (!column.nullable && !column.hasDefault) {
      missingRequired.push(column.name);
    } else {
      leftNull.push(column.name);
    }
  }
  return { plan, target, columns, dropped, unmapped, defaulted, missingRequired, leftNull };
}

/** Checks a mapping before anything is written: a NOT NULL column without a value stops the import. */
export function assertMappingComplete(mapping: TableMapping): void {
  if (mapping.missingRequired.length > 0) {
    const column = mapping.missingRequired[0];
    throw new PodMigrateError(
      'SCHEMA_MISMATCH',
      `target column ${mapping.target.name}.${column} is NOT NULL, has no database default, and the source has no such column: ` +
        `give it a default in the plan (tables: - name: ${mapping.plan.name} / columns: ${column}: { default: … })`,
      { place: { table: mapping.target.name, column } },
    );
  }
}

/**
 * Converts one dump row (keyed by source column names) into the target row, in `mapping.columns` order,
 * by the target column types. `rowNumber` is 1-based, for error messages.
 */
export function mapRow(mapping: TableMapping, row: Record<string, unknown>, rowNumber: number): CanonicalValue[] {
  const out = new Array<CanonicalValue>(mapping.columns.length);
  const table = mapping.target.name;
  // One place per row, not per value: a refused value's error adds its column (the target column's name).
  const place: ErrorPlace = { table, row: rowNumber };
  for (let i = 0; i < mapping.columns.length; i += 1) {
    const { source } = mapping.columns[i];
    const value: unknown = source === null ? undefined : row[source];
    if (value === undefined && source !== null) {
      // Other rows of the table have this column: a row without it is not a dump to guess about.
      throw new PodMigrateError('DUMP_INVALID', `the row has no value for ${source}, which other rows of the table have`, {
        place: { table, row: rowNumber, column: source },
      });
    }
    out[i] = mapValue(mapping.columns[i], value, place);
  }
  return out;
}

/**
 * One target value from the source's dump value (`undefined`: the source has none, the plan's default applies),
 * through the column's rule and type. `place` names the value in errors.
 */
export function mapValue(column: ColumnMapping, value: unknown, place: ErrorPlace): CanonicalValue {
  const { target, rule } = column;
  const given = value === undefined || (value === null && rule?.defaultOnNull) ? (rule?.default ?? null) : value;
  return rule?.convert ? applyConversion(given, rule.convert, target, place) : fromDumpValue(given, target, place);
}
