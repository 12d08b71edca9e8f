/** The plan steps that are not the copy itself: SQL, checks with fixes, shell commands. */
import { spawn } from 'node:child_process';
import type { DatabaseConnection, Row } from '../dialects/dialect';
import { PodMigrateError } from '../errors';
import { onInterrupt } from '../interrupt';
import { renderReport } from '../plan';
import { stepKind, type Database } from '../plan/step-kinds';
import type { CheckStep, CommandStep, ResolvedPlan, SqlStep, Step } from '../plan/types';
import type { Reporter } from './reporter';
import { renderFor } from './sql';

export async function runSqlStep(
  step: SqlStep,
  plan: ResolvedPlan,
  db: DatabaseConnection,
  dry: boolean,
  reporter: Reporter,
): Promise<string> {
  const { sql, params, paramNames } = renderFor(plan, step.template, db, step.params ?? {});
  if (dry) {
    const bound =
      paramNames.length > 0 ? `\nbound: ${paramNames.map((name, i) => `${name} = ${JSON.stringify(params[i])}`).join(', ')}` : '';
    reporter.emit({
      type: 'dry',
      message: `${step.name}: would run on the ${step.database} database, in one transaction:\n${sql}${bound}`,
    });
    return `would run template ${step.template}`;
  }
  await db.transaction(async (tx) => {
    await tx.query(sql, params);
  });
  return `ran template ${step.template}`;
}

function reportLine(step: CheckStep, row: Row): string {
  return step.report ? renderReport(step.report, row) : JSON.stringify(row);
}

export interface CheckResult {
  /** Problems `find` found (one row each). */
  found: number;
  /** Problems repaired by `fix` (live mode): all of them, or the step throws and nothing is changed. */
  fixed: number;
  /** Each found row through the step's `report`. */
  lines: string[];
  /** For the run summary: "nothing found", "found 3, would fix them", "found 3, fixed 3". */
  detail: string;
}

/**
 * Lists what `find` finds; in a live run, applies the `fix` templates and runs `find` again, all in one
 * transaction on the step's database: a problem left after the fix rolls every fix back.
 */
export async function runCheckStep(
  step: CheckStep,
  plan: ResolvedPlan,
  db: DatabaseConnection,
  dry: boolean,
  reporter: Reporter,
): Promise<CheckResult> {
  const find = renderFor(plan, step.find, db, step.params ?? {});
  const fixes = (step.fix ?? []).map((template) => renderFor(plan, template, db, step.params ?? {}));
  const list = (found: Row[]): string[] => {
    const lines = found.map((row) => reportLine(step, row));
    for (const line of lines) reporter.emit({ type: dry ? 'dry' : 'info', message: `${step.name}: ${line}` });
    return lines;
  };
  if (dry || fixes.length === 0) {
    const lines = list(await db.query(find.sql, find.params));
    if (lines.length === 0) return { found: 0, fixed: 0, lines, detail: 'nothing found' };
    const would = dry && fixes.length > 0 ? ', would fix them' : fixes.length === 0 ? ' (the step has no fix)' : '';
    return { found: lines.length, fixed: 0, lines, detail: `found ${lines.length}${would}` };
  }
  return db.transaction(async (tx) => {
    const lines = list(await tx.query(find.sql, find.params));
    if (lines.length === 0) return { found: 0, fixed: 0, lines, detail: 'nothing found' };
    for (const fix of fixes) await tx.query(fix.sql, fix.params);
    const again = await tx.query(find.sql, find.params);
    if (again.length > 0) {
      throw new PodMigrateError(
        'INTEGRITY',
        `${step.name}: ${again.length} of ${lines.length} problem(s) remain after the fix (rolled back, nothing changed): ${reportLine(step, again[0])}`,
      );
    }
    return { found: lines.length, fixed: lines.length, lines, detail: `found ${lines.length}, fixed ${lines.length}` };
  });
}

/** The databases the given steps read or write (verify reads the source only when one is given). */
export function databasesUsed(steps: Step[], sourceGiven: boolean): Set<Database> {
  return new Set(steps.flatMap((step) => stepKind(step).databases(step, sourceGiven)));
}

export interface CommandContext {
  dry: boolean;
  podDir?: string;
  reporter: Reporter;
}

/** Runs a shell command in the Pod directory, output streamed; refuses when the target must be empty and is not. */
export async function runCommandStep(step: CommandStep, target: DatabaseConnection | undefined, context: CommandContext): Promise<string> {
  const cwd = context.podDir ?? process.cwd();
  if (step.requires === 'empty-target') {
    if (!target)
      throw new PodMigrateError('USAGE', `step ${step.name} needs the target database (to check that it is empty): give --target`);
    const tables = (await target.introspect()).tables.size;
    if (tables > 0) {
      throw new PodMigrateError(
        'USAGE',
        `step ${step.name} (${step.run}) only runs on an empty database, and ${target.displayName} holds ${tables} tables: drop --createDB, or point --target at an empty database`,
      );
    }
  }
  if (context.dry) {
    context.reporter.emit({ type: 'dry', message: `${step.name}: would run \`${step.run}\` in ${cwd}` });
    return `would run ${step.run}`;
  }
  context.reporter.emit({ type: 'info', message: `${step.name}: running \`${step.run}\` in ${cwd}` });
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    // Its own process group (detached), so that an interrupt of pod-migrate stops the whole command (the shell
    // and what it started: make, python), not just the shell, and no createDB goes on alone after we exit.
    const child = spawn(step.run, { cwd, shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: commandEnvironment() });
    const forgetChild = onInterrupt(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    });
    // Line by line, as the command writes them (a chunk may end in the middle of a line).
    const forwarder = () => {
      let pending = '';
      const emit = (line: string) => {
        if (line.trim() !== '') context.reporter.emit({ type: 'info', message: `  | ${line.replace(/\r$/, '')}` });
      };
      return {
        data: (chunk: string) => {
          const lines = (pending + chunk).split('\n');
          pending = lines.pop() ?? '';
          lines.forEach(emit);
        },
        end: () => {
          emit(pending);
          pending = '';
        },
      };
    };
    const out = forwarder();
    const err = forwarder();
    child.stdout.setEncoding('utf8'); // multi-byte characters split between chunks stay whole
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', out.data);
    child.stderr.on('data', err.data);
    child.on('error', (error) => {
      forgetChild();
      reject(error);
    });
    child.on('close', (exitCode, exitSignal) => {
      forgetChild();
      out.end();
      err.end();
      resolve({ code: exitCode, signal: exitSignal });
    });
  });
  if (code !== 0) {
    const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
    throw new PodMigrateError('COMMAND_FAILED', `step ${step.name}: \`${step.run}\` ${how} (in ${cwd}); the steps after it did not run`);
  }
  return `ran ${step.run}`;
}

/** The command's environment: ours, less the connection strings (they may hold passwords). */
function commandEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.POD_MIGRATE_SOURCE;
  delete env.POD_MIGRATE_TARGET;
  return env;
}
