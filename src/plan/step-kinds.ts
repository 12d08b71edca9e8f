/**
 * The kinds of step a plan can hold, each declared once, here: what `plan explain` says it does, which databases
 * it uses, and what of the plan it names (templates, tag sets, report texts) for validation to check. The engine
 * runs each kind with its handler, keyed by the same names (src/engine/step-handlers.ts).
 *
 * Adding a step type:
 *   1. schemas/plan.schema.json: its definition `<kind>Step` (`type` a const of the kind, `required: [name, type,
 *      …]`), the kind in `stepType`'s enum and an `if type is <kind> then <kind>Step` in `step`'s dispatch; then
 *      `npm run generate:plan-types` (src/plan/generated/plan-schema.ts; a test fails while it is stale).
 *   2. Here: its entry in STEP_KINDS (the compiler asks for it once the type is generated).
 *   3. src/engine/step-handlers.ts: its handler in STEP_HANDLERS (the compiler asks for it too).
 * test/plan/step-kinds.test.ts checks that the schema, this registry and the handlers name the same kinds.
 */
import type { NodePath } from './validate';
import type { ResolvedPlan, ScalarValue, Step, StepOf, StepType } from './types';

export type Database = 'source' | 'target';

/** A template a step runs, by name, and the field of the step that names it. */
export interface TemplateUse {
  name: string;
  field: NodePath;
  /** How problems call the field after `step "name"`: '' (the step itself), 'find', 'fix'. */
  label: string;
}

/** Something else a step names by a text: a tag set, a report template. */
export interface NamedField {
  text: string;
  field: NodePath;
}

export interface StepKind<S extends Step> {
  /** What the step does, as `plan explain` says it in one line. */
  explain(step: S, plan: ResolvedPlan): string;
  /** The databases it reads or writes (before any step runs, their versions are checked). */
  databases(step: S, sourceGiven: boolean): Database[];
  /** The templates it runs: validation checks that each exists and gets the params it needs from the step's `params`. */
  templates?(step: S): TemplateUse[];
  /** The tag sets it names: validation checks that each exists. */
  tagSets?(step: S): NamedField[];
  /** Handlebars texts it prints found rows through: validation checks their syntax. */
  reports?(step: S): NamedField[];
}

export const STEP_KINDS: { readonly [K in StepType]: StepKind<StepOf<K>> } = {
  export: {
    explain: (_step, plan) =>
      `exports the source database to ${plan.dump.file} (${plan.tables.length} tables, ${plan.tags.length} tag sets)`,
    databases: () => ['source'],
  },
  import: {
    explain: (_step, plan) =>
      `imports ${plan.dump.file} into the target database in one transaction (${plan.tables.length} tables, then tags)`,
    databases: () => ['target'],
  },
  tags: {
    explain: (step, plan) =>
      `rebuilds the Tagulous tables of tag sets: ${(step.sets ?? plan.tags.map((set) => set.name)).join(', ') || 'none'}`,
    databases: () => ['target'],
    tagSets: (step) => (step.sets ?? []).map((set, i) => ({ text: set, field: ['sets', i] })),
  },
  verify: {
    explain: () => 'compares row counts and checksums, source against target',
    // Without a source, verify compares the target with the dump.
    databases: (_step, sourceGiven) => (sourceGiven ? ['target', 'source'] : ['target']),
  },
  sql: {
    explain: (step) => `runs template ${step.template} on the ${step.database} database, in one transaction`,
    databases: (step) => [step.database],
    templates: (step) => [{ name: step.template, field: ['template'], label: '' }],
  },
  check: {
    explain: (step) => {
      const fix = step.fix && step.fix.length > 0 ? `; in live mode, fixes them with ${step.fix.join(', ')}` : '';
      return `lists problem rows of the ${step.database} database with template ${step.find}${fix}`;
    },
    databases: (step) => [step.database],
    templates: (step) => [
      { name: step.find, field: ['find'], label: 'find' },
      ...(step.fix ?? []).map((fix, i) => ({ name: fix, field: ['fix', i], label: 'fix' })),
    ],
    reports: (step) => (step.report === undefined ? [] : [{ text: step.report, field: ['report'] }]),
  },
  command: {
    explain: (step) => `runs \`${step.run}\`${step.requires === 'empty-target' ? ', only when the target database has no tables' : ''}`,
    // It looks at the target only to check that it is empty (`make createDB` itself writes it, not pod-migrate).
    databases: (step) => (step.requires === 'empty-target' ? ['target'] : []),
  },
  reminder: {
    explain: (step) => `reminds you: ${step.text}`,
    databases: () => [],
  },
};

/** The registry's entry for a step's kind. */
export function stepKind<S extends Step>(step: S): StepKind<S> {
  // STEP_KINDS' mapped type pairs each kind with its own step type; TypeScript cannot follow that through an index.
  return STEP_KINDS[step.type] as unknown as StepKind<S>;
}

/** The values a step binds to its templates' {{param "key"}}, for the kinds that have them. */
export function stepParams(step: Step): Record<string, ScalarValue> | undefined {
  return 'params' in step ? step.params : undefined;
}
