/**
 * How `plan run` runs each kind of step, keyed by the kinds of src/plan/step-kinds.ts (which says what each does;
 * the recipe for a new kind is written there). A handler does its step and fills the step's tally; what one step
 * leaves for a later one (a dry export's view of the source, the rows an import changed) goes through RunState.
 */
import type { DatabaseConnection, SchemaInfo } from '../dialects/dialect';
import type { DumpEvent } from '../dump/reader';
import { PodMigrateError } from '../errors';
import type { ResolvedPlan, Step, StepOf, StepType } from '../plan/types';
import type { Connections } from './connections';
import { exportDump } from './export';
import { importDump } from './import';
import type { SourceDescription } from './preflight';
import type { Reporter } from './reporter';
import { sourceRowEvents } from './row-source';
import { checkFinding, orphanFindings, tagSetTallies } from './run-report';
import { describeSourceTables } from './sql';
import { runCheckStep, runCommandStep, runSqlStep } from './steps';
import type { RunSummary, StepTally } from './summary';
import { formatVerify, verifyMigration } from './verify';

/** The run's settings a step may need. */
export interface StepRunOptions {
  plan: ResolvedPlan;
  dry: boolean;
  dumpPath: string;
  podDir?: string;
  force?: boolean;
  overwrite?: boolean;
}

/** What a step leaves for the steps after it. */
export interface RunState {
  /** A dry export writes no dump: the dry import describes and reads what the source holds instead. */
  sourceDescription?: SourceDescription;
  sourceRows?: () => AsyncIterable<DumpEvent[]>;
  /** What the export step wrote into the dump file, per table: the import reads that file without scanning it first. */
  writtenDump?: { path: string; description: SourceDescription };
  /** A dry run with --createDB: the target is still empty, there is no schema to describe the import against. */
  targetToBeCreated: boolean;
  /** Rows the import's orphan policy or repair rules left out or changed, by table: verify names them rather than failing on them. */
  changedRows: Map<string, { policy: string; keys: Set<string> }>;
}

export function newRunState(): RunState {
  return { targetToBeCreated: false, changedRows: new Map() };
}

export interface StepContext {
  options: StepRunOptions;
  connections: Connections;
  /** Passes events on, keeping warnings and findings for the summary. */
  reporter: Reporter;
  summary: RunSummary;
  /** The running step's tally: its detail, tables, findings. */
  tally: StepTally;
  state: RunState;
}

export type StepHandler<S extends Step> = (step: S, context: StepContext) => Promise<void>;

const runExport: StepHandler<StepOf<'export'>> = async (step, { options, connections, reporter, tally, state }) => {
  const { plan, dry, dumpPath } = options;
  const source = await connections.get('source', step.name);
  const result = await exportDump({ plan, source, dumpPath, dry, reporter, force: options.force });
  tally.tables = result.tables;
  tally.detail = dry ? `would write ${dumpPath}` : `wrote ${dumpPath}`;
  if (result.written) state.writtenDump = { path: dumpPath, description: result.written };
  if (dry) {
    const schema = await source.introspect();
    state.sourceDescription = await describeForDryImport(source, schema, plan);
    // The dry import runs the live import's pass on the source's rows: same checks, same counts.
    state.sourceRows = () => sourceRowEvents(plan, source, schema);
  }
};

/** `import`, and `tags` (the same import, of the tag sets only). */
const runImport: StepHandler<StepOf<'import'> | StepOf<'tags'>> = async (step, { options, connections, reporter, tally, state }) => {
  const { plan, dry } = options;
  if (state.targetToBeCreated) {
    reporter.emit({ type: 'dry', message: `${step.name}: would run after createDB (the target has no schema yet to describe it against)` });
    tally.detail = 'would run after createDB';
    return;
  }
  const target = await connections.get('target', step.name);
  const result = await importDump({
    plan,
    target,
    dumpPath: options.dumpPath,
    dry,
    reporter,
    onlyTags: step.type === 'tags',
    tagSets: step.type === 'tags' ? step.sets : undefined,
    sourceDescription: dry ? state.sourceDescription : undefined,
    sourceRows: dry ? state.sourceRows : undefined,
    writtenDump: state.writtenDump?.path === options.dumpPath ? state.writtenDump.description : undefined,
    force: options.force,
    overwrite: options.overwrite,
  });
  tally.tables = result.tables;
  tally.tagSets = tagSetTallies(result.tagSets);
  tally.findings = [...(tally.findings ?? []), ...orphanFindings(result.orphans)];
  for (const finding of result.orphans) nameChangedRows(state, finding.fk.table, finding.policy, finding.keys);
  // Rows the plan's repair rules changed: verify names them as repaired, not as differences.
  for (const [table, keys] of result.repairedKeys) nameChangedRows(state, table, 'repaired', keys);
  const tags = result.tagSets.map((t) => `${t.set}: ${t.tags} tags, ${t.links} links`).join('; ');
  tally.detail =
    tags ||
    (dry ? `would ${step.type === 'tags' ? 'rebuild the tags' : `import ${result.tables.length} tables`} in one transaction` : undefined);
};

function nameChangedRows(state: RunState, table: string, policy: string, keys: Iterable<string>): void {
  const entry = state.changedRows.get(table) ?? { policy, keys: new Set<string>() };
  for (const key of keys) entry.keys.add(key);
  state.changedRows.set(table, entry);
}

const runVerify: StepHandler<StepOf<'verify'>> = async (step, { options, connections, reporter, summary, tally, state }) => {
  const { plan, dry } = options;
  if (dry) {
    tally.detail = 'would compare row counts and checksums, source against target';
    return;
  }
  const target = await connections.get('target', step.name);
  const source = connections.has('source') ? await connections.get('source', step.name) : undefined;
  // With a source, the dump only says who wrote what was imported (Pod's exporter: its losses are "lossy").
  // The export of this run counted the source's tables: verify reads them without counting them again.
  const exported = state.writtenDump?.path === options.dumpPath ? state.writtenDump.description.tables : undefined;
  const sourceRows = source && exported ? new Map([...exported].map(([name, t]) => [name, t.rows])) : undefined;
  const result = await verifyMigration({
    plan,
    target,
    source,
    dumpPath: options.dumpPath,
    reporter,
    orphanKeys: state.changedRows,
    sourceRows,
  });
  reporter.emit({ type: 'info', message: formatVerify(result, { onlyProblems: true }) });
  tally.verify = result.tables;
  const lossy = result.tables.filter((t) => t.status === 'lossy');
  for (const t of lossy) summary.warnings.push(`verify: ${t.table}: ${t.detail}`);
  tally.detail = `${result.tables.length} tables compared, ${result.tables.filter((t) => t.status === 'differs' || t.status === 'missing').length} differ, ${lossy.length} lossy`;
  if (!result.ok) {
    const bad = result.tables.filter((t) => t.status === 'differs' || t.status === 'missing').map((t) => t.table);
    throw new PodMigrateError('VERIFY_FAILED', `verify found differences in ${bad.join(', ')}`, { place: { table: bad[0] } });
  }
};

export const STEP_HANDLERS: { readonly [K in StepType]: StepHandler<StepOf<K>> } = {
  export: runExport,
  import: runImport,
  tags: runImport,
  verify: runVerify,
  sql: async (step, { options, connections, reporter, tally }) => {
    tally.detail = await runSqlStep(step, options.plan, await connections.get(step.database, step.name), options.dry, reporter);
  },
  check: async (step, { options, connections, reporter, tally }) => {
    const result = await runCheckStep(step, options.plan, await connections.get(step.database, step.name), options.dry, reporter);
    tally.detail = result.detail;
    tally.findings = checkFinding(step, result, options.dry);
  },
  command: async (step, { options, connections, reporter, tally, state }) => {
    const target = connections.has('target') ? await connections.get('target', step.name) : undefined;
    tally.detail = await runCommandStep(step, target, { dry: options.dry, podDir: options.podDir, reporter });
    if (options.dry && step.requires === 'empty-target') state.targetToBeCreated = true;
  },
  reminder: async (step, { summary, tally }) => {
    summary.reminders.push(step.text);
    tally.detail = 'shown at the end';
  },
};

/** Runs one step with its kind's handler. */
export function runStep(step: Step, context: StepContext): Promise<void> {
  // STEP_HANDLERS' mapped type pairs each kind with its own step type; TypeScript cannot follow that through an index.
  const handler = STEP_HANDLERS[step.type] as StepHandler<Step>;
  return handler(step, context);
}

/** What the export would write, for a dry import: every source table with its columns and row count. */
async function describeForDryImport(source: DatabaseConnection, schema: SchemaInfo, plan: ResolvedPlan): Promise<SourceDescription> {
  const names = plan.tables.filter((t) => t.strategy !== 'skip').map((t) => t.name);
  const { tables } = await describeSourceTables(source, schema, names);
  for (const set of plan.tags) {
    if (schema.tables.has('tagging_taggeditem'))
      tables.set(set.dumpTable, { rows: 0, columns: new Set([set.objectColumn, 'tag_name', 'tag_names']) });
  }
  return { tables };
}
