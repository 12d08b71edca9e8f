/** What a dry import says it would do: per table, rows, column mapping, conversions and the SQL it would run. */
import type { ColumnInfo, Dialect } from '../dialects/dialect';
import { BATCH_ROWS, type ImportPlan, type SourceDescription } from './preflight';

const CONVERSION: Partial<Record<ColumnInfo['type'], string>> = {
  boolean: '0/1 → boolean',
  uuid: 'uuid text',
  json: 'JSON text → JSON',
  interval: 'microseconds → interval',
  datetime: 'datetime, UTC',
  time: 'time',
  date: 'date',
  inet: 'inet',
  binary: 'base64 → bytes',
};

function conversionsOf(columns: ColumnInfo[]): string[] {
  return columns.filter((c) => CONVERSION[c.type]).map((c) => `${c.name} (${CONVERSION[c.type]}, ${c.nativeType})`);
}

export function describeImport(plan: ImportPlan, source: SourceDescription, dialect: Dialect): string[] {
  const q = (n: string) => dialect.quoteIdent(n);
  const lines: string[] = ['BEGIN (one transaction for the whole import; foreign keys checked by pod-migrate before COMMIT)'];
  for (const { set, tagTable, linkTable } of plan.tagSets) {
    lines.push(`DELETE FROM ${q(linkTable.name)}; DELETE FROM ${q(tagTable.name)}  -- tag set ${set.name}: through rows before tags`);
  }
  for (const mapping of plan.mappings.values()) {
    const rows = source.tables.get(mapping.plan.name)?.rows ?? 0;
    const name = mapping.plan.name === mapping.target.name ? mapping.target.name : `${mapping.plan.name} → ${mapping.target.name}`;
    const strategy =
      mapping.plan.strategy === 'merge'
        ? `merge on (${mapping.plan.key.join(', ')}): target rows the source lacks are kept, re-keyed`
        : 'replace';
    lines.push(`${name}: ${rows} rows, ${strategy}`);
    lines.push(`  DELETE FROM ${q(mapping.target.name)}`);
    const columns = mapping.columns.map((c) => q(c.target.name)).join(', ');
    lines.push(`  INSERT INTO ${q(mapping.target.name)} (${columns}) … bulk, ${Math.ceil(rows / BATCH_ROWS) || 0} batch(es)`);
    const renamed = mapping.columns
      .filter((c) => c.source !== null && c.source !== c.target.name)
      .map((c) => `${c.source} → ${c.target.name}`);
    if (renamed.length) lines.push(`  renamed: ${renamed.join(', ')}`);
    if (mapping.dropped.length)
      lines.push(`  dropped: ${mapping.dropped.map((d) => `${d.column}${d.why ? ` (${d.why})` : ''}`).join(', ')}`);
    if (mapping.defaulted.length)
      lines.push(
        `  defaulted (absent from the source): ${mapping.defaulted.map((d) => `${d.column} = ${JSON.stringify(d.value)}`).join(', ')}`,
      );
    if (mapping.leftNull.length) lines.push(`  left NULL / database default (absent from the source): ${mapping.leftNull.join(', ')}`);
    const conversions = conversionsOf(mapping.columns.map((c) => c.target));
    if (conversions.length) lines.push(`  conversions by target type: ${conversions.join('; ')}`);
  }
  for (const { set, rows, tagTable, linkTable } of plan.tagSets) {
    lines.push(
      `tag set ${set.name}: ${rows} tagged objects from ${set.dumpTable} → INSERT INTO ${q(tagTable.name)}, ${q(linkTable.name)} (bulk, Tagulous names/slugs/counts)`,
    );
  }
  lines.push('check every foreign key touching these tables (orphan rows: plan policy)');
  lines.push('move every sequence past max(id) (PostgreSQL; InnoDB moves AUTO_INCREMENT itself), then COMMIT');
  return lines;
}
