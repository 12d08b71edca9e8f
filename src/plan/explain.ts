/**
 * `plan explain`: the resolved plan as text an administrator can read before running it — every table and
 * its rules with their reasons, the SQL each template becomes for one dialect, and the steps in order.
 */
import { describeRepairRule } from './repair-rules';
import { displayPath } from './validate';
import { renderTemplateForDisplay } from './render';
import type { SqlFlavor } from './sql-flavor';
import { stepKind, stepParams } from './step-kinds';
import type { ColumnRule, ResolvedPlan, ResolvedTable, StepWhen, TagSet } from './types';

export function explainPlan(plan: ResolvedPlan, flavor: SqlFlavor): string {
  return [header(plan, flavor), tablesSection(plan), tagSetsSection(plan.tags), templatesSection(plan, flavor), stepsSection(plan)]
    .filter((section) => section !== '')
    .join('\n\n')
    .concat('\n');
}

function header(plan: ResolvedPlan, flavor: SqlFlavor): string {
  const lines = [`Plan ${plan.name}`];
  if (plan.description) lines.push(`  ${plan.description}`);
  lines.push(`  Source:     Pod ${versionRange(plan.source.pod)}`);
  lines.push(`  Target:     Pod ${versionRange(plan.target.pod)}`);
  lines.push(`  Dump file:  ${plan.dump.file}`);
  lines.push(`  SQL shown for: ${flavor.name === 'mysql' ? 'MariaDB/MySQL' : 'PostgreSQL'}`);
  lines.push(plan.files.length > 1 ? '  Plan files (base first):' : '  Plan file:');
  for (const file of plan.files) lines.push(`    ${displayPath(file)}`);
  return lines.join('\n');
}

function versionRange(range: string): string {
  return range === '*' ? 'any version' : range;
}

// ---------------------------------------------------------------------------------------------------------

function tablesSection(plan: ResolvedPlan): string {
  const { tables } = plan;
  if (tables.length === 0) return 'Tables: none';
  const labels = tables.map((table) => (table.target === table.name ? table.name : `${table.name} → ${table.target}`));
  const width = Math.max(...labels.map((label) => label.length));
  const numberWidth = String(tables.length).length;
  const lines = [`Tables (${tables.length}, in dump order)`];
  tables.forEach((table, i) => {
    lines.push(`  ${String(i + 1).padStart(numberWidth)}. ${labels[i].padEnd(width)}  ${strategyText(table)}; orphans: ${table.orphans}`);
    const detail = ' '.repeat(numberWidth + 6);
    if (table.why) lines.push(`${detail}why: ${table.why}`);
    if (table.orderBy) lines.push(`${detail}read ordered by ${table.orderBy.join(', ')}`);
    for (const [column, rule] of Object.entries(table.columns)) lines.push(`${detail}column ${column}: ${columnRuleText(rule)}`);
    for (const rule of table.repairs)
      lines.push(`${detail}repair ${rule.name}: ${describeRepairRule(rule)}${rule.why ? ` — ${rule.why}` : ''}`);
  });
  return lines.join('\n');
}

function strategyText(table: ResolvedTable): string {
  switch (table.strategy) {
    case 'replace':
      return 'replace';
    case 'skip':
      return 'skip (target left as is)';
    case 'merge':
      return `merge on (${table.key.join(', ')})`;
  }
}

function columnRuleText(rule: ColumnRule): string {
  const parts: string[] = [];
  if (rule.drop) parts.push('dropped (exported, not written)');
  if (rule.rename !== undefined) parts.push(`renamed to ${rule.rename}`);
  if (rule.default !== undefined) parts.push(`default ${JSON.stringify(rule.default)}${rule.defaultOnNull ? ' (also for NULL)' : ''}`);
  if (rule.convert !== undefined) parts.push(`converted as ${rule.convert}`);
  if (parts.length === 0) parts.push('copied');
  return parts.join(', ') + (rule.why ? ` — ${rule.why}` : '');
}

// ---------------------------------------------------------------------------------------------------------

function tagSetsSection(tags: TagSet[]): string {
  if (tags.length === 0) return '';
  const lines = ['Tag sets (django-tagging → Tagulous)'];
  for (const set of tags) {
    lines.push(`  ${set.name}: objects of ${set.objectTable}, tag names from template ${set.query}`);
    lines.push(`    dump pseudo-table ${set.dumpTable} (${set.objectColumn}, tag_name, tag_names)`);
    lines.push(`    target: tags in ${set.tagTable}, links in ${set.linkTable} (${set.linkObjectColumn} → ${set.linkTagColumn})`);
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------

function templatesSection(plan: ResolvedPlan, flavor: SqlFlavor): string {
  const names = Object.keys(plan.templates);
  if (names.length === 0) return '';
  const lines = [`Templates (as SQL for ${flavor.name})`];
  for (const name of names) {
    const template = plan.templates[name];
    lines.push(`  ${name}${template.why ? ` — ${template.why}` : ''}`);
    if (template[flavor.name] === null) {
      lines.push(`    (no ${flavor.name} version)`);
      continue;
    }
    try {
      const rendered = renderTemplateForDisplay(plan, name, flavor);
      for (const line of rendered.sql.replace(/\s+$/, '').split('\n')) lines.push(`    | ${line}`);
      lines.push(
        rendered.paramNames.length === 0
          ? '    placeholders: none'
          : `    placeholders: ${rendered.paramNames.map((key, i) => `${flavor.placeholder(i + 1)} = ${key}`).join(', ')}`,
      );
    } catch (error) {
      lines.push(`    (cannot be rendered: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------------------

const WHEN_TEXT: Readonly<Record<StepWhen, string>> = {
  always: 'always',
  createDB: 'only with --createDB',
  onlytags: 'only with --onlytags',
  'not-onlytags': 'unless --onlytags',
};

function stepsSection(plan: ResolvedPlan): string {
  if (plan.steps.length === 0) return 'Steps: none';
  const lines = ['Steps'];
  plan.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${step.name}  [${step.type}, ${WHEN_TEXT[step.when ?? 'always']}]`);
    lines.push(`     ${stepKind(step).explain(step, plan)}`);
    const params = stepParams(step);
    if (params && Object.keys(params).length > 0) {
      lines.push(
        `     params (bound): ${Object.entries(params)
          .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
          .join(', ')}`,
      );
    }
    if (step.why) lines.push(`     why: ${step.why}`);
  });
  return lines.join('\n');
}
