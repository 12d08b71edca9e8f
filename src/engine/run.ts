/**
 * `plan run`: the plan's steps in order, each selected by its `when` and the command-line switches, with a
 * tally per step and table. Dry mode runs every step in its dry form: nothing is written anywhere.
 */
import { redactSecrets, type ConnectionSettings } from '../dialects/url';
import type { ResolvedPlan, Step } from '../plan/types';
import { Connections } from './connections';
import { databasesUsed } from './steps';
import { newRunState, runStep } from './step-handlers';
import type { Reporter } from './reporter';
import { gateResults, runErrorOf, stepFigures } from './run-report';
import type { RunSummary, StepTally } from './summary';
import { checkPodDir } from './pod-dir';
import { takeRunLock } from './run-lock';
import { refuseUsedTarget } from './target-guard';
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

export interface RunOutcome {
  summary: RunSummary;
  /** The error that stopped the run, when it failed. */
  error?: unknown;
}

export async function runPlan(options: RunOptions): Promise<RunOutcome> {
  const { plan, reporter, dry } = options;
  const summary: RunSummary = {
    plan: plan.name,
    dry,
    ok: true,
    steps: [],
    reminders: [],
    warnings: [],
    source: options.source?.displayName,
    target: options.target?.displayName,
  };
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
  // What a step leaves for the steps after it (a dry export's view of the source, the rows an import changed).
  const state = newRunState();
  const selected = plan.steps.filter((step) => stepSelected(step, options));
  let releaseRunLock: (() => Promise<void>) | undefined;
  // A driver's message may quote a connection string: the summary is printed and may be kept as JSON.
  const redact = (text: string) => redactSecrets(redactSecrets(text, options.source), options.target);

  try {
    checkPodDir(selected, options.podDir);
    // Before any step writes anything, on either side: are these the Pod versions the plan is for?
    const used = databasesUsed(selected, connections.has('source'));
    const gated = (role: 'source' | 'target') =>
      used.has(role) && connections.has(role) ? connections.get(role, 'version gate') : undefined;
    // One run at a time on the target, from its first step to its end (a dry run writes nothing: no lock).
    if (!dry && used.has('target') && connections.has('target'))
      releaseRunLock = await takeRunLock(await connections.get('target', 'run lock'));
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
        await runStep(step, { options, connections, reporter: collectWarnings, summary, tally, state });
      } catch (error) {
        tally.status = 'failed';
        tally.ms = Date.now() - started;
        tally.error = runErrorOf(error, redact, step.name);
        reporter.emit({ type: 'step-end', step: step.name, status: 'failed', ms: tally.ms });
        throw error;
      }
      tally.ms = Date.now() - started;
      reporter.emit({
        type: 'step-end',
        step: step.name,
        status: tally.status,
        ms: tally.ms,
        detail: tally.detail,
        figures: stepFigures(tally, dry),
      });
    }
    if (selected.some((s) => s.type === 'import')) summary.reminders.push(...skippedTableReminders(plan));
  } catch (error) {
    summary.ok = false;
    // The summary lists what did not happen too: an administrator reads which steps remain, verify among them.
    for (const step of selected.slice(summary.steps.length))
      summary.steps.push({ name: step.name, type: step.type, status: 'not run', ms: 0, tables: [] });
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
