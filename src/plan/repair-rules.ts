/**
 * Checks of the plan's repair rules once its files are merged (an overlay may change or switch off a base rule, so
 * a rule is only judged whole): a why, exactly one action, conditions that say what they compare, templates that
 * exist. The JSON schema checks each entry's shape; this checks what only the merged rule can tell.
 */
import type { PlanResolution } from './resolve';
import type { RepairRule } from './types';
import { problemAt, type PlanProblem } from './validate';

const ACTIONS = ['set', 'drop', 'mergeDuplicates', 'sql'] as const;

/** The action a rule takes (the first one given; repairProblems refuses a rule that gives several). */
export function repairAction(rule: RepairRule): (typeof ACTIONS)[number] | undefined {
  return ACTIONS.find((action) => rule[action] !== undefined);
}

function ruleMistakes(rule: RepairRule, templates: Record<string, unknown>): string[] {
  const mistakes: string[] = [];
  if (!rule.why) mistakes.push('needs a why (shown by plan explain and the run)');
  const actions = ACTIONS.filter((action) => rule[action] !== undefined);
  if (actions.length !== 1)
    mistakes.push(`needs exactly one action of ${ACTIONS.join(', ')} (has ${actions.length === 0 ? 'none' : actions.join(', ')})`);
  if (rule.set && (rule.set.value === undefined) === (rule.set.fromColumn === undefined))
    mistakes.push('set: give value (null for NULL) or fromColumn, not both');
  if ((rule.set || rule.drop) && !rule.where) mistakes.push(`${rule.set ? 'set' : 'drop'} needs where: (the rows it applies to)`);
  if ((rule.mergeDuplicates || rule.sql) && rule.where) mistakes.push('where: applies to set and drop only');
  for (const condition of rule.where ?? []) {
    const unary = condition.op === 'is-null' || condition.op === 'not-null';
    const operands = Number(condition.value !== undefined) + Number(condition.otherColumn !== undefined);
    if (unary ? operands !== 0 : operands !== 1)
      mistakes.push(`where ${condition.column} ${condition.op}: ${unary ? 'takes no value' : 'give value or otherColumn, not both'}`);
  }
  if (rule.sql !== undefined && !Object.hasOwn(templates, rule.sql)) mistakes.push(`sql: no template named "${rule.sql}"`);
  return mistakes;
}

export function repairProblems(resolution: PlanResolution): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const table of resolution.plan.tables) {
    const origins = resolution.tables.get(table.name)?.repairs ?? {};
    for (const rule of table.repairs) {
      const origin = origins[rule.name];
      if (origin === undefined) continue;
      for (const mistake of ruleMistakes(rule, resolution.plan.templates)) {
        problems.push(problemAt(origin.source, origin.path, `table "${table.name}", repair "${rule.name}": ${mistake}`));
      }
    }
  }
  return problems;
}

/** A rule in one line, for `plan explain` and the run's reports: "where recurring_until < start_at: set recurring_until = start_at". */
export function describeRepairRule(rule: RepairRule): string {
  const operand = (c: NonNullable<RepairRule['where']>[number]) => c.otherColumn ?? (c.value === undefined ? '' : JSON.stringify(c.value));
  const where = (rule.where ?? []).map((c) => `${c.column} ${c.op} ${operand(c)}`.trimEnd()).join(' and ');
  let action = '';
  if (rule.set) action = `set ${rule.set.column} = ${rule.set.fromColumn ?? JSON.stringify(rule.set.value ?? null)}`;
  else if (rule.drop) action = 'drop the row';
  else if (rule.mergeDuplicates) {
    const refs = (rule.mergeDuplicates.references ?? []).map(
      (r) => `${r.table}.${r.column}${r.unique ? ` (de-duplicated on ${r.unique.join(', ')})` : ''}`,
    );
    action = `merge rows sharing (${rule.mergeDuplicates.key.join(', ')}) into the lowest id${refs.length ? `, re-pointing ${refs.join(', ')}` : ''}`;
  } else if (rule.sql) action = `run template ${rule.sql} on the target once the table is written`;
  return `${where ? `where ${where}: ` : ''}${action}${rule.enabled === false ? ' [switched off]' : ''}`;
}
