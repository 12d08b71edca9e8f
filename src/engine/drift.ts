/**
 * Schema drift between a site's v3 and the v4 target (Pod never committed its migrations, forks add columns): what
 * a table mapping leaves behind or fills in, said once per table so that nothing changes unannounced. Harmless
 * drift is reported, not fatal: an extra v3 column the plan does not mention is dropped (listed), a v4 column the
 * v3 lacks gets the plan's default or NULL. A NOT NULL column without a value stays an error (assertMappingComplete).
 */
import type { TableMapping } from './mapping';

/** One line per kind of drift of the table; none when the source rows match the target's columns. */
export function describeDrift(mapping: TableMapping, rows: number): string[] {
  // An empty dump table says nothing about its columns: there is no drift to tell.
  if (rows === 0) return [];
  const table = mapping.plan.name === mapping.target.name ? mapping.target.name : `${mapping.plan.name} → ${mapping.target.name}`;
  const lines: string[] = [];
  if (mapping.unmapped.length > 0) {
    lines.push(
      `schema drift: ${table}: v3 column(s) ${mapping.unmapped.join(', ')} not in the target: dropped (values not migrated). ` +
        `Keep them with "{ rename: <target column> }" in the plan, or say "drop" with a why to acknowledge it`,
    );
  }
  if (mapping.defaulted.length > 0) {
    lines.push(
      `schema drift: ${table}: v4 column(s) the v3 lacks, given the plan's default: ${mapping.defaulted.map((d) => `${d.column} = ${JSON.stringify(d.value)}`).join(', ')}`,
    );
  }
  if (mapping.leftNull.length > 0) {
    lines.push(`schema drift: ${table}: v4 column(s) the v3 lacks, left NULL or to the database default: ${mapping.leftNull.join(', ')}`);
  }
  return lines;
}
