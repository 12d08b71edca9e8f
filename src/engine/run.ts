/**
 * `plan run`: the plan's steps in order, each selected by its `when` and the command-line switches, with a
 * tally per step and table. Dry mode runs every step in its dry form: nothing is written anywhere.
 */
import type { DatabaseConnection, SchemaInfo } from '../dialects/dialect';
import { connect } from '../dialects';
import { redactSecrets, type ConnectionSettings } from '../dialects/url';
import { PodMigrateError } from '../errors';
import type { ResolvedPlan, Step } from '../plan/types';
import { databasesUsed, runCheckStep, runCommandStep, runSqlStep } from './steps';
import { exportDump } from './export';
import type { DumpEvent } from '../dump/reader';
import { sourceRowEvents } from './row-source';
import { importDump } from './import';
import type { SourceDescription } from './preflight';
import { describeSourceTables } from './sql';
import type { Reporter } from './reporter';
import { checkFinding, gateResults, orphanFindings, runErrorOf, stepFigures, tagSetTallies } from './run-report';
import type { RunSummary, StepTally } from './summary';
import { checkPodDir } from './pod-dir';
import { takeRunLock } from './run-lock';
import { refuseUsedTarget } from './target-guard';
import { formatVerify, verifyMigration } from './verify';
import { gateDatabases } from './version-gate';

export interface RunOptions {
  plan: ResolvedPlan;
  dry: boolean;
  createDB: boolean;
  onlyTags: boolean;
  source?: ConnectionSettings;
  target?: ConnectionSettings;
  dumpPath: string;
  /** Folder of the Pod 4 install where command steps run (`make createDB`). */
  podDir?: string;
  /** Go on when a database is not the Pod version the plan expects (with a warning). */
  force?: boolean;
  /** Replace what a target in use holds (`--overwrite`); otherwise such a target is refused (target-guard.ts). */
  overwrite?: boolean;
  reporter: Reporter;
}

export function stepSelected(step: Step, options: { createDB: boolean; onlyTags: boolean }): boolean {
  switch (step.when ?? 'always') {
    case 'createDB':
      return options.createDB;
    case 'onlytags':
      return options.onlyTags;
    case 'not-onlytags':
      return !options.onlyTags;
    default:
      return true;
  }
}

/** Opens each database once, on first use, and closes them all at the end. */
class Connections {
  private readonly open = new Map<'source' | 'target', Promise<DatabaseConnection>>();
  constructor(private readonly settings: { source?: ConnectionSettings; target?: ConnectionSettings }) {}
  get(role: 'source' | 'target', step: string): Promise<DatabaseConnection> {
    const settings = this.settings[role];
    if (!settings) throw new PodMigrateError('USAGE', `step ${step} needs the ${role} database: give --${role} URL or set POD_MIGRATE_${role.toUpperCase()}`);
    let connection = this.open.get(role);
    if (!connection) {
      connection = connect(settings);
      this.open.set(role, connection);
    }
    return connection;
  }
  has(role: 'source' | 'target'): boolean {
    return this.settings[role] !== undefined;
  }
  /** Closes every connection; a failure to close never hides the run's own outcome. */
  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.open.values()].map(async (connection) => (await connection.catch(() => null))?.close()));
  }
}

export interface RunOutcome {
  summary: RunSummary;
  /** The error that stopped the run, when it failed. */
  error?: unknown;
}

export async function runPlan(options: RunOptions): Promise<RunOutcome> {
  const { plan, reporter, dry } = options;
  const summary: RunSummary = { plan: plan.name, dry, ok: true, steps: [], reminders: [], warnings: [], source: options.source?.displayName, target: options.target?.displayName };
  const runStarted = Date.now();
  const connections = new Connections(options);
  // The step running now: the findings its engine reports (preflight, repairs) go into its tally.
  let running: StepTally | undefined;
  const collectWarnings: Reporter = {
    emit: (event) => {
      if (event.type === 'findings' && running) running.findings = [...(running.findings ?? []), ...event.findings];
      if (event.type === 'warning') {
        // The run's gate and the export / import gates may say the same (with --force): once is enough.
        if (summary.warnings.includes(event.message)) return;
        summary.warnings.push(event.message);
      }
      reporter.emit(event);
    },
  };
  // Rows the import's orphan policy left out or changed: verify names them rather than failing on them.
  const orphanKeys = new Map<string, { policy: string; keys: Set<string> }>();
  const nameChangedRows = (table: string, policy: string, keys: Iterable<string>) => {
    const entry = orphanKeys.get(table) ?? { policy, keys: new Set<string>() };
    for (const key of keys) entry.keys.add(key);
    orphanKeys.set(table, entry);
  };
  // In a dry run the export writes no dump: the import describes what the source holds instead.
  let sourceDescription: SourceDescription | undefined;
  let sourceRows: (() => AsyncIterable<DumpEvent>) | undefined;
  // In a dry run with --createDB the target is still empty: there is no schema to describe the import against.
  let targetToBeCreated = false;
  const selected = plan.steps.filter((step) => stepSelected(step, options));
  let releaseRunLock: (() => Promise<void>) | undefined;
  // A driver's message may quote a connection string: the summary is printed and may be kept as JSON.
  const redact = (text: string) => redactSecrets(redactSecrets(text, options.source), options.target);

  try {
    checkPodDir(selected, options.podDir);
    // Before any step writes anything, on either side: are these the Pod versions the plan is for?
    const used = databasesUsed(selected, connections.has('source'));
    const gated = (role: 'source' | 'target') => (used.has(role) && connections.has(role) ? connections.get(role, 'version gate') : undefined);
    // One run at a time on the target, from its first step to its end (a dry run writes nothing: no lock).
    if (!dry && used.has('target') && connections.has('target')) releaseRunLock = await takeRunLock(await connections.get('target', 'run lock'));
    const createsTarget = selected.some((s) => s.type === 'command' && s.requires === 'empty-target');
    const guesses = await gateDatabases({
      plan,
      source: await gated('source'),
      target: await gated('target'),
      targetMayBeEmpty: createsTarget,
      force: options.force,
      reporter: collectWarnings,
    });
    // A target in use is refused before any step writes anything (the import checks again, for --onlytags too);
    // with createDB, the command step refuses any target that is not empty.
    if (selected.some((s) => s.type === 'import') && !createsTarget && !options.overwrite && connections.has('target')) {
      const target = await connections.get('target', 'import');
      await refuseUsedTarget({ plan, target, schema: await target.introspect() });
    }
    summary.gates = gateResults(plan, summary, guesses);
    reporter.emit({ type: 'gates', gates: summary.gates });
    for (const step of selected) {
      const tally: StepTally = { name: step.name, type: step.type, status: dry ? 'dry' : 'done', ms: 0, tables: [] };
      summary.steps.push(tally);
      running = tally;
      const started = Date.now();
      reporter.emit({ type: 'step-start', step: step.name, stepType: step.type, description: step.why ?? '' });
      try {
        switch (step.type) {
          case 'export': {
            const source = await connections.get('source', step.name);
            const result = await exportDump({ plan, source, dumpPath: options.dumpPath, dry, reporter: collectWarnings, force: options.force });
            tally.tables = result.tables;
            tally.detail = dry ? `would write ${options.dumpPath}` : `wrote ${options.dumpPath}`;
            if (dry) {
              const schema = await source.introspect();
              sourceDescription = await describeForDryImport(source, schema, plan);
              // The dry import runs the live import's pass on the source's rows: same checks, same counts.
              sourceRows = () => sourceRowEvents(plan, source, schema);
            }
            break;
          }
          case 'import':
          case 'tags': {
            if (targetToBeCreated) {
              reporter.emit({ type: 'dry', message: `${step.name}: would run after createDB (the target has no schema yet to describe it against)` });
              tally.detail = 'would run after createDB';
              break;
            }
            const target = await connections.get('target', step.name);
            const result = await importDump({
              plan,
              target,
              dumpPath: options.dumpPath,
              dry,
              reporter: collectWarnings,
              onlyTags: step.type === 'tags',
              tagSets: step.type === 'tags' ? step.sets : undefined,
              sourceDescription: dry ? sourceDescription : undefined,
              sourceRows: dry ? sourceRows : undefined,
              force: options.force,
              overwrite: options.overwrite,
            });
            tally.tables = result.tables;
            tally.tagSets = tagSetTallies(result.tagSets);
            tally.findings = [...(tally.findings ?? []), ...orphanFindings(result.orphans)];
            for (const finding of result.orphans) nameChangedRows(finding.fk.table, finding.policy, finding.keys);
            // Rows the plan's repair rules changed: verify names them as repaired, not as differences.
            for (const [table, keys] of result.repairedKeys) nameChangedRows(table, 'repaired', keys);
            const tags = result.tagSets.map((t) => `${t.set}: ${t.tags} tags, ${t.links} links`).join('; ');
            tally.detail = tags || (dry ? `would ${step.type === 'tags' ? 'rebuild the tags' : `import ${result.tables.length} tables`} in one transaction` : undefined);
            break;
          }
          case 'verify': {
            if (dry) {
              tally.detail = 'would compare row counts and checksums, source against target';
              break;
            }
            const target = await connections.get('target', step.name);
            const source = connections.has('source') ? await connections.get('source', step.name) : undefined;
            // With a source, the dump only says who wrote what was imported (Pod's exporter: its losses are "lossy").
            const result = await verifyMigration({ plan, target, source, dumpPath: options.dumpPath, reporter: collectWarnings, orphanKeys });
            reporter.emit({ type: 'info', message: formatVerify(result, { onlyProblems: true }) });
            tally.verify = result.tables;
            const lossy = result.tables.filter((t) => t.status === 'lossy');
            for (const t of lossy) summary.warnings.push(`verify: ${t.table}: ${t.detail}`);
            tally.detail = `${result.tables.length} tables compared, ${result.tables.filter((t) => t.status === 'differs' || t.status === 'missing').length} differ, ${lossy.length} lossy`;
            if (!result.ok) {
              const bad = result.tables.filter((t) => t.status === 'differs' || t.status === 'missing').map((t) => t.table);
              throw new PodMigrateError('VERIFY_FAILED', `verify found differences in ${bad.join(', ')}`, { place: { table: bad[0] } });
            }
            break;
          }
          case 'sql':
            tally.detail = await runSqlStep(step, plan, await connections.get(step.database, step.name), dry, reporter);
            break;
          case 'check': {
            const result = await runCheckStep(step, plan, await connections.get(step.database, step.name), dry, reporter);
            tally.detail = result.detail;
            tally.findings = checkFinding(step, result, dry);
            break;
          }
          case 'command':
            tally.detail = await runCommandStep(step, connections.has('target') ? await connections.get('target', step.name) : undefined, { dry, podDir: options.podDir, reporter });
            if (dry && step.requires === 'empty-target') targetToBeCreated = true;
            break;
          case 'reminder':
            summary.reminders.push(step.text);
            tally.detail = 'shown at the end';
            break;
        }
      } catch (error) {
        tally.status = 'failed';
        tally.ms = Date.now() - started;
        tally.error = runErrorOf(error, redact, step.name);
        reporter.emit({ type: 'step-end', step: step.name, status: 'failed', ms: tally.ms });
        throw error;
      }
      tally.ms = Date.now() - started;
      reporter.emit({ type: 'step-end', step: step.name, status: tally.status, ms: tally.ms, detail: tally.detail, figures: stepFigures(tally, dry) });
    }
    if (selected.some((s) => s.type === 'import')) summary.reminders.push(...skippedTableReminders(plan));
  } catch (error) {
    summary.ok = false;
    // The summary lists what did not happen too: an administrator reads which steps remain, verify among them.
    for (const step of selected.slice(summary.steps.length)) summary.steps.push({ name: step.name, type: step.type, status: 'not run', ms: 0, tables: [] });
    summary.failure = summary.steps.find((s) => s.status === 'failed')?.error ?? runErrorOf(error, redact);
    summary.error = summary.failure.message;
    return { summary, error };
  } finally {
    await releaseRunLock?.();
    summary.ms = Date.now() - runStarted;
    await connections.closeAll();
  }
  return { summary };
}

/** One reminder per table the plan skips (`strategy: skip`): its v4 table is left as it was. */
export function skippedTableReminders(plan: ResolvedPlan): string[] {
  return plan.tables.filter((t) => t.strategy === 'skip').map((t) => `skipped by the plan: ${t.name} (${t.why ?? 'no reason given'})`);
}

/** What the export would write, for a dry import: every source table with its columns and row count. */
async function describeForDryImport(source: DatabaseConnection, schema: SchemaInfo, plan: ResolvedPlan): Promise<SourceDescription> {
  const names = plan.tables.filter((t) => t.strategy !== 'skip').map((t) => t.name);
  const { tables } = await describeSourceTables(source, schema, names);
  for (const set of plan.tags) {
    if (schema.tables.has('tagging_taggeditem')) tables.set(set.dumpTable, { rows: 0, columns: new Set([set.objectColumn, 'tag_name', 'tag_names']) });
  }
  return { tables };
}
