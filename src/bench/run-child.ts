/**
 * One plan run, measured, in a process of its own: a fresh Node process holds only what `pod-migrate plan run`
 * would (no seed generator, no earlier pair), so its peak RSS is the migration's. The parent forks this file, sends
 * a RunInput, and gets a RunMeasurement back over IPC.
 */
import { fork } from 'node:child_process';
import type { ConnectionSettings } from '../dialects/url';
import type { Reporter, RunEvent } from '../engine/reporter';
import { runPlan } from '../engine/run';
import type { RunSummary } from '../engine/summary';
import { limitHeapGrowth, NODE_ENV, NODE_FLAGS } from '../heap-growth';
import { loadPlan } from '../plan';
import { cleanups } from './databases';
import { collectGarbage, now, RssSampler } from './measure';

export interface RunInput {
  planPath: string;
  source: ConnectionSettings;
  target: ConnectionSettings;
  dumpPath: string;
}

export interface StepMarks {
  start: number;
  firstTable?: number;
  lastTable?: number;
  end?: number;
}

export interface RunMeasurement {
  summary: RunSummary;
  seconds: number;
  /** RSS right before runPlan (bytes). */
  rssBefore: number;
  /** The process's peak RSS: max of the 50 ms samples and of the kernel's maxRSS (bytes). */
  peakRss: number;
  /** Peak RSS during each step (bytes), by step name. */
  stepPeaks: Record<string, number>;
  tableEnds: Array<{ step: string; table: string; rows: number; ms: number }>;
  /** Source rows each verified table holds, by table. */
  verifyRows: Record<string, number>;
  /** Clock marks (seconds) of each step: start, first table-start, last table-end, end. */
  marks: Record<string, StepMarks>;
}

/** Peak RSS per step, rows per table, clock marks: from the run's own events. */
class MeasuringReporter implements Reporter {
  readonly stepPeaks: Record<string, number> = {};
  readonly tableEnds: RunMeasurement['tableEnds'] = [];
  readonly verifyRows: Record<string, number> = {};
  readonly marks: Record<string, StepMarks> = {};
  constructor(private readonly sampler: RssSampler) {}
  emit(event: RunEvent): void {
    const t = now();
    if (event.type === 'step-start') this.marks[event.step] = { start: t };
    else if ('step' in event) {
      const mark = this.marks[event.step];
      if (mark && event.type === 'table-start' && mark.firstTable === undefined) mark.firstTable = t;
      if (mark && event.type === 'table-end') mark.lastTable = t;
      if (mark && event.type === 'step-end') mark.end = t;
    }
    switch (event.type) {
      case 'step-start':
        this.sampler.reset();
        break;
      case 'step-end':
        this.stepPeaks[event.step] = this.sampler.reset();
        break;
      case 'table-end':
        this.tableEnds.push({ step: event.step, table: event.table, rows: event.rows, ms: event.ms });
        break;
      case 'table-start':
        if (event.step === 'verify') this.verifyRows[event.table] = event.totalRows ?? 0;
        this.sampler.sample();
        break;
      default:
        this.sampler.sample();
    }
  }
}

/** The run itself (in whatever process calls it). */
export async function measuredRun(input: RunInput): Promise<RunMeasurement> {
  const plan = await loadPlan(input.planPath);
  collectGarbage();
  const sampler = new RssSampler(50);
  const rssBefore = process.memoryUsage().rss;
  sampler.start();
  const reporter = new MeasuringReporter(sampler);
  const started = now();
  const outcome = await runPlan({
    plan,
    dry: false,
    createDB: false,
    onlyTags: false,
    source: input.source,
    target: input.target,
    dumpPath: input.dumpPath,
    force: false,
    reporter,
  });
  const seconds = now() - started;
  const sampled = Math.max(sampler.stop(), ...Object.values(reporter.stepPeaks));
  const kernel = process.resourceUsage().maxRSS * 1024;
  return {
    summary: outcome.summary,
    seconds,
    rssBefore,
    peakRss: Math.max(sampled, kernel),
    stepPeaks: reporter.stepPeaks,
    tableEnds: reporter.tableEnds,
    verifyRows: reporter.verifyRows,
    marks: reporter.marks,
  };
}

/** Forks this file, runs the plan there, resolves to its measurement. The child is killed if the bench is interrupted. */
export function measuredRunInChild(input: RunInput): Promise<RunMeasurement> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [], {
      execArgv: [...process.execArgv, ...NODE_FLAGS],
      env: { ...process.env, ...NODE_ENV },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const kill = () => {
      child.kill('SIGKILL');
    };
    cleanups.add(kill);
    let result: RunMeasurement | undefined;
    child.on('message', (message) => {
      result = message as RunMeasurement;
    });
    child.on('error', (error) => {
      cleanups.delete(kill);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      cleanups.delete(kill);
      if (result) resolve(result);
      else reject(new Error(`the plan-run process ended without a result (${signal ?? `exit code ${code}`})`));
    });
    child.send(input);
  });
}

if (require.main === module) {
  // As the pod-migrate executable does (cli/main.ts), so that the peak RSS measured is a real run's.
  limitHeapGrowth();
  process.once('message', (input) => {
    measuredRun(input as RunInput).then(
      (measurement) => process.send?.(measurement, () => process.exit(0)),
      (error: unknown) => {
        process.stderr.write(`bench run: ${(error as Error)?.stack ?? error}\n`);
        process.exit(1);
      },
    );
  });
}
