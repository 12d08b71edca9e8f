/**
 * The plan format, as TypeScript. `schemas/plan.schema.json` says the same for editors and ajv; the loader
 * turns a file (after `extends`) into a `ResolvedPlan`, where every default is filled in.
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

export type Strategy = 'replace' | 'skip' | 'merge';
export type OrphanPolicy = 'fail' | 'skip' | 'null';

/** Conversions the plan may force on a column; without one, the target column's type decides. */
export type Conversion = 'bool' | 'integer' | 'text' | 'uuid' | 'json' | 'duration' | 'datetime' | 'date' | 'time';

export type ScalarValue = string | number | boolean | null;

/** Per column of a table: at most one of rename / drop, optionally a default and a conversion. */
export interface ColumnRule {
  /** The column's name in the target (the key is its name in the source / dump). */
  rename?: string;
  /** Not copied: the value is read (and exported) but never written to the target. */
  drop?: boolean;
  /** Value written when the source row lacks the column (or holds NULL and `defaultOnNull`). */
  default?: ScalarValue;
  defaultOnNull?: boolean;
  convert?: Conversion;
  /** Why the rule exists: shown by `plan explain` and dry runs. */
  why?: string;
}

/** Comparisons of a repair rule's condition, on canonical values (NULL compares false, as in SQL). */
export type RepairOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'is-null' | 'not-null';

/** `column op value` or `column op otherColumn` (target column names; a date compared with a datetime: its UTC date). */
export interface RepairCondition {
  column: string;
  op: RepairOp;
  value?: ScalarValue;
  otherColumn?: string;
}

/**
 * A repair of the source rows, applied before they reach the target (see src/engine/repairs.ts). Exactly one action:
 * `set` a column (to a value, NULL or another column's value), `drop` the row, `mergeDuplicates` on a key, or run
 * the `sql` template on the target once the table is loaded. `where` (all conditions hold) selects the rows of
 * `set` and `drop`. In an overlay, an entry naming a base rule changes it (`enabled: false` switches it off).
 */
export interface RepairRule {
  name: string;
  why?: string;
  /** Default true. */
  enabled?: boolean;
  where?: RepairCondition[];
  set?: { column: string; value?: ScalarValue; fromColumn?: string };
  drop?: boolean;
  /** Rows sharing `key`: the lowest id kept, the others dropped; `references` re-pointed to it (and de-duplicated on `unique`). */
  mergeDuplicates?: { key: string[]; references?: Array<{ table: string; column: string; unique?: string[] }> };
  /** A template run on the target in the import transaction, after the table's rows are written. */
  sql?: string;
}

/** A table entry as written in YAML: a bare name, or an object. */
export type TableEntryInput = string | TableEntry;

export interface TableEntry {
  /** Name in the source database and in the dump file. */
  name: string;
  /** Name in the target database (default: `name`). */
  target?: string;
  strategy?: Strategy;
  /** Natural key for `merge`: target rows whose key the source lacks are kept (and re-keyed past the source ids). */
  key?: string[];
  orphans?: OrphanPolicy;
  /** Rows are read ordered by these columns (default: the primary key). */
  orderBy?: string[];
  columns?: Record<string, ColumnRule | 'drop'>;
  /** Repairs of the source rows (in order); an overlay's rule of the same name changes the base's. */
  repairs?: RepairRule[];
  why?: string;
  /** In an overlay plan: remove this table from the base plan. */
  remove?: boolean;
}

/** A SQL template, per dialect (Handlebars). `any` is used for dialects not given. */
export interface TemplateInput {
  mysql?: string;
  postgres?: string;
  any?: string;
  /** Dialects this template must exist for (default: both); a missing one is a validation error. */
  dialects?: Array<'mysql' | 'postgres'>;
  why?: string;
}

/**
 * A tag set (django-tagging → Tagulous). The template `query` (run on the source) returns one row per
 * tagged item: `object_id`, `tag_name`, `object_exists` (1/0 or boolean), ordered by object_id.
 */
export interface TagSet {
  name: string;
  /** Pseudo-table in the dump: rows `{ <objectColumn>: id, tag_name: "a,b", tag_names: ["a","b"] }`. */
  dumpTable: string;
  objectColumn: string;
  query: string;
  /** Source/target table of the tagged objects. */
  objectTable: string;
  /** Target Tagulous tag model table and its through table. */
  tagTable: string;
  linkTable: string;
  linkObjectColumn: string;
  linkTagColumn: string;
  /** Values for the `{{param "key"}}` of the `query` template, bound as parameters (never pasted into SQL). */
  params?: Record<string, ScalarValue>;
}

export type StepType = 'export' | 'import' | 'tags' | 'verify' | 'sql' | 'check' | 'command' | 'reminder';

/** Conditions that select a step from the command line (`--createDB`, `--onlytags`). */
export type StepWhen = 'always' | 'createDB' | 'onlytags' | 'not-onlytags';

export interface StepBase {
  /** Unique in the plan; overlays replace a step of the same name. */
  name: string;
  type: StepType;
  when?: StepWhen;
  why?: string;
  /** In an overlay plan: place a new step before/after the named step (default: at the end). */
  before?: string;
  after?: string;
  remove?: boolean;
}

export interface ExportStep extends StepBase {
  type: 'export';
}
export interface ImportStep extends StepBase {
  type: 'import';
}
export interface TagsStep extends StepBase {
  type: 'tags';
  /** Tag set names (default: all). */
  sets?: string[];
}
export interface VerifyStep extends StepBase {
  type: 'verify';
}
/** Runs a template on `database` in one transaction. */
export interface SqlStep extends StepBase {
  type: 'sql';
  database: 'source' | 'target';
  template: string;
  /** Values for the template's `{{param "key"}}`, bound as parameters (never pasted into SQL). */
  params?: Record<string, ScalarValue>;
}
/**
 * A data check with an optional fix: `find` lists the problems (each row is printed), `fix` (live mode only)
 * repairs them; both run in one transaction on `database`. `find` and `fix` name templates.
 */
export interface CheckStep extends StepBase {
  type: 'check';
  database: 'source' | 'target';
  find: string;
  fix?: string[];
  /** How a found row is printed, a Handlebars template over the row's columns. */
  report?: string;
  /** Values for the `{{param "key"}}` of the `find` and `fix` templates, bound as parameters. */
  params?: Record<string, ScalarValue>;
}
export interface CommandStep extends StepBase {
  type: 'command';
  run: string;
  /** Only when the target database has no tables. */
  requires?: 'empty-target';
}
export interface ReminderStep extends StepBase {
  type: 'reminder';
  text: string;
}

export type Step = ExportStep | ImportStep | TagsStep | VerifyStep | SqlStep | CheckStep | CommandStep | ReminderStep;

/** In an overlay plan: `{ name: x, remove: true }` removes the base plan's step `x` (no `type` needed). */
export interface StepRemoval {
  name: string;
  remove: true;
  why?: string;
}

/** The plan file as written (before `extends` is resolved). */
export interface PlanInput {
  $schema?: string;
  version: 1;
  name: string;
  description?: string;
  extends?: string;
  source?: { pod: string };
  target?: { pod: string };
  dump?: { file?: string };
  defaults?: { strategy?: Strategy; orphans?: OrphanPolicy };
  tables?: TableEntryInput[];
  templates?: Record<string, TemplateInput>;
  tags?: TagSet[];
  steps?: Array<Step | StepRemoval>;
}

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
