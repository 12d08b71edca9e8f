/**
 * From plan files (base first, each schema-valid) to one ResolvedPlan with every default filled in.
 *
 * An overlay (a file with `extends:`) lists only its differences:
 * - name, description, source, target, dump, defaults: the overlay's replace the base's;
 * - tables, by name: an entry for a base table changes it (fields replace, `columns` merge column by column,
 *   `remove: true` removes it); other tables are appended;
 * - steps, by name: replace the base step in place, `remove: true` removes it; new steps are appended, or
 *   placed with `before:` / `after:` (which also move a replaced step);
 * - templates and tag sets, by name: replaced or added.
 *
 * Alongside the plan, the resolution remembers where each thing was last set, so that checks on the merged
 * plan can point into the file that said it.
 */
import { problemAt, type NodePath, type PlanProblem, type PlanSource } from './validate';
import type {
  ColumnRule,
  OrphanPolicy,
  PlanInput,
  ResolvedPlan,
  ResolvedTable,
  ResolvedTemplate,
  Step,
  Strategy,
  TableEntry,
  TagSet,
  TemplateInput,
} from './types';

export const DEFAULT_DUMP_FILE = 'data_from_v3_to_v4/v3_exported_tables.json';
/** A plan that states no version range accepts any. */
const ANY_VERSION = '*';

export interface Origin {
  source: PlanSource;
  path: NodePath;
}

export interface TableOrigins {
  /** The table's name in the entry that first listed it. */
  entry: Origin;
  /** Where each field was last set. */
  fields: Partial<Record<keyof TableEntry, Origin>>;
  /** Where each column rule was last set (path to the rule). */
  columns: Record<string, Origin>;
  /** Where each repair rule was last changed (path to the rule), by rule name. */
  repairs?: Record<string, Origin>;
}

export interface PlanResolution {
  plan: ResolvedPlan;
  tables: Map<string, TableOrigins>;
  templates: Map<string, Origin>;
  tags: Map<string, Origin>;
  steps: Map<string, Origin>;
  /** Overlay references that name nothing (`remove`, `before`, `after`). */
  problems: PlanProblem[];
}

interface MergeState {
  name: string;
  description: string;
  source: { pod: string };
  target: { pod: string };
  dump: { file?: string };
  defaults: { strategy?: Strategy; orphans?: OrphanPolicy };
  tables: TableEntry[];
  templates: Map<string, TemplateInput>;
  tags: TagSet[];
  steps: Step[];
}

/** Merges the files (base first) and fills in the defaults. */
export function resolvePlan(sources: PlanSource[]): PlanResolution {
  const state: MergeState = {
    name: '',
    description: '',
    source: { pod: ANY_VERSION },
    target: { pod: ANY_VERSION },
    dump: {},
    defaults: {},
    tables: [],
    templates: new Map(),
    tags: [],
    steps: [],
  };
  const resolution: Omit<PlanResolution, 'plan'> = {
    tables: new Map(),
    templates: new Map(),
    tags: new Map(),
    steps: new Map(),
    problems: [],
  };

  for (const source of sources) {
    const input = source.data as PlanInput;
    if (input.name !== undefined) state.name = input.name;
    if (input.description !== undefined) state.description = input.description;
    if (input.source !== undefined) state.source = input.source;
    if (input.target !== undefined) state.target = input.target;
    if (input.dump !== undefined) state.dump = input.dump;
    if (input.defaults !== undefined) state.defaults = input.defaults;
    for (const [i, entry] of (input.tables ?? []).entries()) mergeTable(state, resolution, source, entry, i);
    for (const [name, template] of Object.entries(input.templates ?? {})) {
      state.templates.set(name, template);
      resolution.templates.set(name, { source, path: ['templates', name] });
    }
    (input.tags ?? []).forEach((set, i) => {
      const index = state.tags.findIndex((existing) => existing.name === set.name);
      if (index >= 0) state.tags[index] = set;
      else state.tags.push(set);
      resolution.tags.set(set.name, { source, path: ['tags', i] });
    });
    for (const [i, step] of (input.steps ?? []).entries()) mergeStep(state, resolution, source, step as Step, i);
  }

  const plan: ResolvedPlan = {
    version: 1,
    name: state.name,
    description: state.description,
    files: sources.map((source) => source.path),
    source: state.source,
    target: state.target,
    dump: { file: state.dump.file ?? DEFAULT_DUMP_FILE },
    tables: state.tables.map((entry) => resolveTable(entry, state.defaults)),
    templates: Object.fromEntries([...state.templates].map(([name, template]) => [name, resolveTemplate(name, template)])),
    tags: state.tags,
    steps: state.steps,
  };
  return { plan, ...resolution };
}

function mergeTable(
  state: MergeState,
  resolution: Omit<PlanResolution, 'plan'>,
  source: PlanSource,
  input: TableEntry | string,
  i: number,
): void {
  const entry: TableEntry = typeof input === 'string' ? { name: input } : input;
  const entryPath: NodePath = typeof input === 'string' ? ['tables', i] : ['tables', i, 'name'];
  const index = state.tables.findIndex((table) => table.name === entry.name);
  if (entry.remove === true) {
    if (index < 0) {
      resolution.problems.push(problemAt(source, entryPath, `remove: no table named "${entry.name}" in the base plan`));
    } else {
      state.tables.splice(index, 1);
      resolution.tables.delete(entry.name);
    }
    return;
  }
  const { remove: _remove, columns, repairs, ...fields } = entry;
  let origins = resolution.tables.get(entry.name);
  if (index < 0 || origins === undefined) {
    state.tables.push({ ...fields, columns: {} });
    origins = { entry: { source, path: entryPath }, fields: {}, columns: {} };
    resolution.tables.set(entry.name, origins);
  }
  const table = state.tables[index < 0 ? state.tables.length - 1 : index];
  for (const [field, value] of Object.entries(fields) as Array<[keyof TableEntry, unknown]>) {
    if (value === undefined) continue;
    (table as unknown as Record<string, unknown>)[field] = value;
    if (field !== 'name') origins.fields[field] = { source, path: ['tables', i, field] };
  }
  // Column rules merge by column: the overlay's rule for a column replaces the base's.
  table.columns = { ...table.columns, ...(columns ?? {}) };
  for (const column of Object.keys(columns ?? {})) origins.columns[column] = { source, path: ['tables', i, 'columns', column] };
  // Repair rules merge by name: the overlay's fields replace the base rule's (`enabled: false` switches it off).
  for (const [j, rule] of (repairs ?? []).entries()) {
    origins.repairs ??= {};
    origins.repairs[rule.name] = { source, path: ['tables', i, 'repairs', j] };
    table.repairs ??= [];
    const list = table.repairs;
    const at = list.findIndex((r) => r.name === rule.name);
    if (at >= 0) list[at] = { ...list[at], ...rule };
    else list.push(rule);
  }
}

function mergeStep(state: MergeState, resolution: Omit<PlanResolution, 'plan'>, source: PlanSource, input: Step, i: number): void {
  const { before, after, remove, ...rest } = input;
  const existing = state.steps.findIndex((step) => step.name === input.name);
  if (remove === true) {
    if (existing < 0)
      resolution.problems.push(problemAt(source, ['steps', i, 'name'], `remove: no step named "${input.name}" in the base plan`));
    else state.steps.splice(existing, 1);
    if (existing >= 0) resolution.steps.delete(input.name);
    return;
  }
  const step = { ...rest, when: input.when ?? 'always' } as Step;
  resolution.steps.set(step.name, { source, path: ['steps', i] });

  const anchorName = before ?? after;
  if (anchorName === undefined) {
    if (existing >= 0) state.steps[existing] = step;
    else state.steps.push(step);
    return;
  }
  const anchorField = before !== undefined ? 'before' : 'after';
  if (anchorName === step.name) {
    resolution.problems.push(problemAt(source, ['steps', i, anchorField], `step "${step.name}" cannot be placed ${anchorField} itself`));
    return;
  }
  if (existing >= 0) state.steps.splice(existing, 1);
  const anchor = state.steps.findIndex((other) => other.name === anchorName);
  if (anchor < 0) {
    const known = state.steps.map((other) => other.name);
    const list = known.length > 0 ? ` (steps so far: ${known.join(', ')})` : '';
    resolution.problems.push(
      problemAt(source, ['steps', i, anchorField], `${anchorField}: no step named "${anchorName}" before this one${list}`),
    );
    state.steps.splice(existing >= 0 ? existing : state.steps.length, 0, step);
    return;
  }
  state.steps.splice(before !== undefined ? anchor : anchor + 1, 0, step);
}

function resolveTable(entry: TableEntry, defaults: MergeState['defaults']): ResolvedTable {
  const columns: Record<string, ColumnRule> = {};
  for (const [column, rule] of Object.entries(entry.columns ?? {})) columns[column] = rule === 'drop' ? { drop: true } : rule;
  return {
    name: entry.name,
    target: entry.target ?? entry.name,
    strategy: entry.strategy ?? defaults.strategy ?? 'replace',
    key: entry.key ?? [],
    orphans: entry.orphans ?? defaults.orphans ?? 'fail',
    orderBy: entry.orderBy ?? null,
    columns,
    repairs: entry.repairs ?? [],
    why: entry.why ?? null,
  };
}

function resolveTemplate(name: string, template: TemplateInput): ResolvedTemplate {
  return {
    name,
    mysql: template.mysql ?? template.any ?? null,
    postgres: template.postgres ?? template.any ?? null,
    why: template.why ?? null,
  };
}
