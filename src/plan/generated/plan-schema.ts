// Generated from schemas/plan.schema.json by json-schema-to-typescript (npm run generate:plan-types): do not edit.
/* Change the schema and run the script again; src/plan/types.ts narrows these types where the code needs it. */

/**
 * `replace`: empty the target table, insert the source rows. `skip`: leave the target table alone. `merge`: keep target rows whose `key` the source lacks (re-keyed past the source ids).
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "strategy".
 */
export type Strategy = 'replace' | 'skip' | 'merge';
/**
 * A row whose foreign key points nowhere: `fail` stops the import, `skip` leaves the row out, `null` writes NULL in the foreign key.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "orphans".
 */
export type Orphans = 'fail' | 'skip' | 'null';
/**
 * A table: its name (a plain copy), or a mapping with `name:` and rules.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "tableEntry".
 */
export type TableEntry = TableName | Table;
/**
 * A table copied as is, with the plan's defaults.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "tableName".
 */
export type TableName = string;
/**
 * `drop`, or a mapping of rules.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "columnRuleEntry".
 */
export type ColumnRuleEntry = 'drop' | ColumnRule;
/**
 * Why this rule exists: shown by `plan explain` and dry runs.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "why".
 */
export type Why = string;
/**
 * A step of the plan, run in order.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "step".
 */
export type Step = StepRemoval | ExportStep | ImportStep | TagsStep | VerifyStep | SqlStep | CheckStep | CommandStep | ReminderStep;
/**
 * Unique name of the step; an overlay plan replaces the base step of the same name.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "stepName".
 */
export type StepName = string;
/**
 * When the step runs: `always` (default), only with `--createDB`, only with `--onlytags`, or unless `--onlytags` (`not-onlytags`).
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "stepWhen".
 */
export type StepWhen = 'always' | 'createDB' | 'onlytags' | 'not-onlytags';
/**
 * What the step does.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "stepType".
 */
export type StepType = 'export' | 'import' | 'tags' | 'verify' | 'sql' | 'check' | 'command' | 'reminder';

/**
 * A declarative plan that migrates an Esup-Pod database (see plans/v3-to-v4.yaml).
 */
export interface PodMigratePlan {
  /**
   * JSON Schema of this file, for editors.
   */
  $schema?: string;
  /**
   * Plan format version: 1.
   */
  version: 1;
  /**
   * Name of the plan (an overlay's name replaces its base's).
   */
  name: string;
  /**
   * One line shown by `plan explain`.
   */
  description?: string;
  /**
   * Path (relative to this file) of a base plan; this file then lists only its differences.
   */
  extends?: string;
  /**
   * Pod versions the source database may hold (default: any).
   */
  source?: PodRange;
  /**
   * Pod versions the target database may hold (default: any).
   */
  target?: PodRange;
  /**
   * The dump file (Pod's export format).
   */
  dump?: {
    /**
     * Path of the dump file (default: data_from_v3_to_v4/v3_exported_tables.json).
     */
    file?: string;
  };
  /**
   * Defaults for every table.
   */
  defaults?: {
    strategy?: Strategy;
    orphans?: Orphans;
  };
  /**
   * The tables to copy, in dump order.
   */
  tables?: TableEntry[];
  /**
   * Named SQL templates, per dialect.
   */
  templates?: {
    [k: string]: Template;
  };
  /**
   * django-tagging → Tagulous tag sets.
   */
  tags?: TagSet[];
  /**
   * What `plan run` does, in order.
   */
  steps?: Step[];
}
/**
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "podRange".
 */
export interface PodRange {
  /**
   * A semver range of Pod versions, e.g. ">=3.8.2 <3.9".
   */
  pod: string;
}
/**
 * A table with rules. In an overlay plan, an entry naming a base table changes it (fields replace, `columns` merge per column).
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "table".
 */
export interface Table {
  /**
   * Name in the source database and in the dump file.
   */
  name: string;
  /**
   * Name in the target database (default: `name`).
   */
  target?: string;
  strategy?: Strategy;
  /**
   * Natural key (column names) of a `merge` table.
   *
   * @minItems 1
   */
  key?: string[];
  orphans?: Orphans;
  /**
   * Rows are read ordered by these columns (default: the primary key).
   *
   * @minItems 1
   */
  orderBy?: string[];
  /**
   * Rules per column, keyed by the column's source name.
   */
  columns?: {
    [k: string]: ColumnRuleEntry;
  };
  /**
   * Repairs of the source rows, applied in order before they reach the target; each with a name, a why and one action (set, drop, mergeDuplicates, sql). In an overlay, an entry naming a base rule changes it (`enabled: false` switches it off).
   */
  repairs?: RepairRule[];
  why?: Why;
  /**
   * In an overlay plan: remove this table from the base plan.
   */
  remove?: boolean;
}
/**
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "columnRule".
 */
export interface ColumnRule {
  /**
   * The column's name in the target.
   */
  rename?: string;
  /**
   * Read (and exported) but never written to the target.
   */
  drop?: boolean;
  /**
   * Value written when the source row lacks the column (or holds NULL, with `defaultOnNull`).
   */
  default?: string | number | boolean | null;
  /**
   * Also write `default` when the source value is NULL.
   */
  defaultOnNull?: boolean;
  /**
   * Force a conversion (default: the target column's type decides).
   */
  convert?: 'bool' | 'integer' | 'text' | 'uuid' | 'json' | 'duration' | 'datetime' | 'date' | 'time';
  why?: Why;
}
/**
 * A repair rule. Exactly one action: set, drop, mergeDuplicates or sql (checked on the merged plan).
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "repairRule".
 */
export interface RepairRule {
  /**
   * Unique in the table; an overlay changes the rule of this name.
   */
  name: string;
  why?: Why;
  /**
   * Default true; false switches the rule off (e.g. in a fork's overlay).
   */
  enabled?: boolean;
  /**
   * Rows where every condition holds (set, drop).
   *
   * @minItems 1
   */
  where?: RepairCondition[];
  /**
   * Sets a column to `value` (null: NULL) or to the value of `fromColumn`.
   */
  set?: {
    column: string;
    value?: string | number | boolean | null;
    fromColumn?: string;
  };
  /**
   * Leaves the row out.
   */
  drop?: true;
  /**
   * Rows sharing `key` are merged into the lowest id; `references` are re-pointed to it, and de-duplicated on `unique` (lowest id kept).
   */
  mergeDuplicates?: {
    /**
     * @minItems 1
     */
    key: string[];
    references?: {
      table: string;
      column: string;
      /**
       * @minItems 1
       */
      unique?: string[];
    }[];
  };
  /**
   * A template run on the target in the import transaction once the table's rows are written (per-dialect SQL for what the shortcuts cannot say).
   */
  sql?: string;
}
/**
 * `column op value` or `column op otherColumn`, on canonical values (target column names). NULL compares false, as in SQL.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "repairCondition".
 */
export interface RepairCondition {
  column: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'is-null' | 'not-null';
  value?: string | number | boolean | null;
  otherColumn?: string;
}
/**
 * SQL per dialect, as Handlebars: {{ident "name"}} quotes an identifier, {{param "key"}} binds a parameter. `any` serves the dialects not given.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "template".
 */
export interface Template {
  /**
   * The SQL for MariaDB/MySQL.
   */
  mysql?: string;
  /**
   * The SQL for PostgreSQL.
   */
  postgres?: string;
  /**
   * The SQL for every dialect not given separately.
   */
  any?: string;
  /**
   * Dialects this template must exist for (default: both).
   *
   * @minItems 1
   */
  dialects?: ('mysql' | 'postgres')[];
  why?: Why;
}
/**
 * A django-tagging → Tagulous tag set.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "tagSet".
 */
export interface TagSet {
  /**
   * Unique name of the tag set.
   */
  name: string;
  /**
   * Pseudo-table of the dump holding the tags of each object.
   */
  dumpTable: string;
  /**
   * Column of `dumpTable` holding the object id.
   */
  objectColumn: string;
  /**
   * Query run on the source, one row per tagged item (object_id, tag_name, object_exists), ordered by object_id: the name of a template under `templates:`.
   */
  query: string;
  /**
   * Table of the tagged objects.
   */
  objectTable: string;
  /**
   * Target Tagulous tag model table.
   */
  tagTable: string;
  /**
   * Target Tagulous through table (object ↔ tag).
   */
  linkTable: string;
  /**
   * Column of `linkTable` referencing the object.
   */
  linkObjectColumn: string;
  /**
   * Column of `linkTable` referencing the tag.
   */
  linkTagColumn: string;
  /**
   * Values for the {{param "key"}} of the `query` template, bound as parameters.
   */
  params?: Params;
}
/**
 * Values for the templates' {{param "key"}}: name → string, number, true/false or null. Bound as parameters, never pasted into the SQL text. An overlay's params replace the base's as a whole.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "params".
 */
export interface Params {
  /**
   * The value bound where the template says {{param "<name>"}}.
   */
  [k: string]: string | number | boolean | null;
}
/**
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "stepRemoval".
 */
export interface StepRemoval {
  name: StepName;
  remove: true;
  why?: Why;
}
/**
 * Export the source (v3) database to the dump file, in Pod's own format.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "exportStep".
 */
export interface ExportStep {
  name: StepName;
  type: 'export';
  when?: StepWhen;
  why?: Why;
  /**
   * In an overlay plan: place this step just before the named step.
   */
  before?: string;
  /**
   * In an overlay plan: place this step just after the named step.
   */
  after?: string;
  /**
   * In an overlay plan: remove the base plan's step of this name.
   */
  remove?: boolean;
}
/**
 * Import the dump file into the target (v4) database, in one transaction (tags included).
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "importStep".
 */
export interface ImportStep {
  name: StepName;
  type: 'import';
  when?: StepWhen;
  why?: Why;
  /**
   * In an overlay plan: place this step just before the named step.
   */
  before?: string;
  /**
   * In an overlay plan: place this step just after the named step.
   */
  after?: string;
  /**
   * In an overlay plan: remove the base plan's step of this name.
   */
  remove?: boolean;
}
/**
 * Rebuild the Tagulous tag tables from the dump (the `--onlytags` path).
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "tagsStep".
 */
export interface TagsStep {
  name: StepName;
  type: 'tags';
  when?: StepWhen;
  why?: Why;
  /**
   * In an overlay plan: place this step just before the named step.
   */
  before?: string;
  /**
   * In an overlay plan: place this step just after the named step.
   */
  after?: string;
  /**
   * In an overlay plan: remove the base plan's step of this name.
   */
  remove?: boolean;
  /**
   * Tag set names (default: all the plan's tag sets).
   */
  sets?: string[];
}
/**
 * Compare row counts and checksums, source against target.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "verifyStep".
 */
export interface VerifyStep {
  name: StepName;
  type: 'verify';
  when?: StepWhen;
  why?: Why;
  /**
   * In an overlay plan: place this step just before the named step.
   */
  before?: string;
  /**
   * In an overlay plan: place this step just after the named step.
   */
  after?: string;
  /**
   * In an overlay plan: remove the base plan's step of this name.
   */
  remove?: boolean;
}
/**
 * Run a template on one database, in one transaction.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "sqlStep".
 */
export interface SqlStep {
  name: StepName;
  type: 'sql';
  when?: StepWhen;
  why?: Why;
  /**
   * In an overlay plan: place this step just before the named step.
   */
  before?: string;
  /**
   * In an overlay plan: place this step just after the named step.
   */
  after?: string;
  /**
   * In an overlay plan: remove the base plan's step of this name.
   */
  remove?: boolean;
  /**
   * Database the SQL runs on: `source` (Pod 3.8) or `target` (Pod 4).
   */
  database: 'source' | 'target';
  /**
   * The SQL to run: the name of a template under `templates:`.
   */
  template: string;
  /**
   * Values for the template's {{param "key"}}, bound as parameters, e.g. { since: "2020-01-01" }.
   */
  params?: Params;
}
/**
 * A data check: `find` lists the problem rows (each is printed); `fix` (live mode only) repairs them. Both run in one transaction.
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "checkStep".
 */
export interface CheckStep {
  name: StepName;
  type: 'check';
  when?: StepWhen;
  why?: Why;
  /**
   * In an overlay plan: place this step just before the named step.
   */
  before?: string;
  /**
   * In an overlay plan: place this step just after the named step.
   */
  after?: string;
  /**
   * In an overlay plan: remove the base plan's step of this name.
   */
  remove?: boolean;
  /**
   * Database the SQL runs on: `source` (Pod 3.8) or `target` (Pod 4).
   */
  database: 'source' | 'target';
  /**
   * The query that lists the problem rows: the name of a template under `templates:`.
   */
  find: string;
  /**
   * Templates (names under `templates:`) run in order to repair the rows, in live mode only.
   *
   * @minItems 1
   */
  fix?: string[];
  /**
   * How a found row is printed: a Handlebars template over the row's columns, e.g. "video {{id}}: {{title}}".
   */
  report?: string;
  /**
   * Values for the {{param "key"}} of the `find` and `fix` templates, bound as parameters.
   */
  params?: Params;
}
/**
 * Run a shell command (e.g. Pod's `make createDB`).
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "commandStep".
 */
export interface CommandStep {
  name: StepName;
  type: 'command';
  when?: StepWhen;
  why?: Why;
  /**
   * In an overlay plan: place this step just before the named step.
   */
  before?: string;
  /**
   * In an overlay plan: place this step just after the named step.
   */
  after?: string;
  /**
   * In an overlay plan: remove the base plan's step of this name.
   */
  remove?: boolean;
  /**
   * The command line, run by the shell.
   */
  run: string;
  /**
   * `empty-target`: run only when the target database has no tables.
   */
  requires?: 'empty-target';
}
/**
 * Print a reminder for the administrator (something pod-migrate cannot do itself).
 *
 * This interface was referenced by `PodMigratePlan`'s JSON-Schema
 * via the `definition` "reminderStep".
 */
export interface ReminderStep {
  name: StepName;
  type: 'reminder';
  when?: StepWhen;
  why?: Why;
  /**
   * In an overlay plan: place this step just before the named step.
   */
  before?: string;
  /**
   * In an overlay plan: place this step just after the named step.
   */
  after?: string;
  /**
   * In an overlay plan: remove the base plan's step of this name.
   */
  remove?: boolean;
  /**
   * The reminder, printed as is.
   */
  text: string;
}
