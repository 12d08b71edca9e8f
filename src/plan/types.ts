/**
 * The plan format, as the code uses it. The format is stated once, in `schemas/plan.schema.json` (for editors and
 * ajv); the types of a plan file as written are generated from it (./generated/plan-schema.ts, `npm run
 * generate:plan-types`) and named here for the code, narrowed where it needs it. The loader turns a file (after
 * `extends`) into a `ResolvedPlan`, where every default is filled in: those types are the code's own.
 *
 * A plan file (YAML):
 *
 *   version: 1
 *   name: pod-3.8-to-4.0
 *   description: …
 *   source: { pod: ">=3.8.2 <3.9" }
 *   target: { pod: ">=4.0.0 <4.2" }
 *   dump: { file: data_from_v3_to_v4/v3_exported_tables.json }
 *   defaults: { strategy: replace, orphans: fail }
 *   tables:
 *     - auth_user                                   # a plain copy is one line
 *     - name: video_video
 *       columns:
 *         tags: { drop: true, why: moved to Tagulous (see tags) }
 *         order: { default: 1, why: absent before 3.8.4 }
 *     - name: django_content_type
 *       strategy: merge
 *       key: [app_label, model]
 *   templates:
 *     video_tag_pairs:
 *       mysql: SELECT … FROM {{ident "tagging_taggeditem"}} …
 *       postgres: …
 *   tags:
 *     - name: video
 *       …
 *   steps:
 *     - { name: export, type: export }
 *     - …
 */

import type * as Schema from './generated/plan-schema';

export type Strategy = Schema.Strategy;
export type OrphanPolicy = Schema.Orphans;

/** Conversions the plan may force on a column; without one, the target column's type decides. */
export type Conversion = NonNullable<Schema.ColumnRule['convert']>;

/** A value a plan writes as is: a column default, a repair's value, a template's bound param. */
export type ScalarValue = Schema.Params[string];

/** Per column of a table: at most one of rename / drop, optionally a default and a conversion. */
export type ColumnRule = Schema.ColumnRule;

/** Comparisons of a repair rule's condition, on canonical values (NULL compares false, as in SQL). */
export type RepairOp = Schema.RepairCondition['op'];

/** `column op value` or `column op otherColumn` (target column names; a date compared with a datetime: its UTC date). */
export type RepairCondition = Schema.RepairCondition;

/**
 * A repair of the source rows, applied before they reach the target (see src/engine/repairs.ts). Exactly one action:
 * `set` a column (to a value, NULL or another column's value), `drop` the row, `mergeDuplicates` on a key, or run
 * the `sql` template on the target once the table is loaded. `where` (all conditions hold) selects the rows of
 * `set` and `drop`. In an overlay, an entry naming a base rule changes it (`enabled: false` switches it off).
 */
export type RepairRule = Schema.RepairRule;

/** A table entry as written in YAML: a bare name, or an object. */
export type TableEntryInput = Schema.TableEntry;

/** A table entry written as a mapping (`name:` and its rules). */
export type TableEntry = Schema.Table;

/** A SQL template, per dialect (Handlebars). `any` is used for dialects not given. */
export type TemplateInput = Schema.Template;

/**
 * A tag set (django-tagging → Tagulous). The template `query` (run on the source) returns one row per
 * tagged item: `object_id`, `tag_name`, `object_exists` (1/0 or boolean), ordered by object_id.
 */
export type TagSet = Schema.TagSet;

/** The kinds of step; src/plan/step-kinds.ts says what each does, src/engine/step-handlers.ts runs it. */
export type StepType = Schema.StepType;

/** Conditions that select a step from the command line (`--createDB`, `--onlytags`). */
export type StepWhen = Schema.StepWhen;

/** In an overlay plan: `{ name: x, remove: true }` removes the base plan's step `x` (no `type` needed). */
export type StepRemoval = Schema.StepRemoval;

/** A step that does something: one of the schema's step definitions, told apart by `type`. */
export type Step = Exclude<Schema.Step, StepRemoval>;

/** The step of one kind: `StepOf<'sql'>` is `SqlStep`. */
export type StepOf<K extends StepType> = Extract<Step, { type: K }>;

export type ExportStep = StepOf<'export'>;
export type ImportStep = StepOf<'import'>;
export type TagsStep = StepOf<'tags'>;
export type VerifyStep = StepOf<'verify'>;
/** Runs a template on `database` in one transaction. */
export type SqlStep = StepOf<'sql'>;
/**
 * A data check with an optional fix: `find` lists the problems (each row is printed), `fix` (live mode only)
 * repairs them; both run in one transaction on `database`. `find` and `fix` name templates.
 */
export type CheckStep = StepOf<'check'>;
export type CommandStep = StepOf<'command'>;
export type ReminderStep = StepOf<'reminder'>;

/** The plan file as written (before `extends` is resolved). */
export type PlanInput = Schema.PodMigratePlan;

/** A table after defaults: every field present. */
export interface ResolvedTable {
  name: string;
  target: string;
  strategy: Strategy;
  key: string[];
  orphans: OrphanPolicy;
  orderBy: string[] | null;
  /** Keyed by source column name. */
  columns: Record<string, ColumnRule>;
  /** Every repair rule, switched off ones included (`enabled: false`), in plan order. */
  repairs: RepairRule[];
  why: string | null;
}

export interface ResolvedTemplate {
  name: string;
  mysql: string | null;
  postgres: string | null;
  why: string | null;
}

export interface ResolvedPlan {
  version: 1;
  name: string;
  description: string;
  /** Absolute paths of the files that made this plan, base first. */
  files: string[];
  source: { pod: string };
  target: { pod: string };
  dump: { file: string };
  tables: ResolvedTable[];
  templates: Record<string, ResolvedTemplate>;
  tags: TagSet[];
  steps: Step[];
}
