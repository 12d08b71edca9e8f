/** The plan steps that are not the copy itself: SQL, checks with fixes, shell commands. */
import { spawn } from 'node:child_process';
import type { DatabaseConnection, Row } from '../dialects/dialect';
import { PodMigrateError } from '../errors';
import { renderReport } from '../plan';
import type { CheckStep, CommandStep, ResolvedPlan, SqlStep } from '../plan/types';
import type { Reporter } from './reporter';
import { renderFor } from './sql';

export async function runSqlStep(step: SqlStep, plan: ResolvedPlan, db: DatabaseConnection, dry: boolean, reporter: Reporter): Promise<string> {
  const { sql, params } = renderFor(plan, step.template, db);
  if (dry) {
    reporter.emit({ type: 'dry', message: `${step.name}: would run on the ${step.database} database, in one transaction:\n${sql}` });
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

/** Lists what `find` finds; in a live run, applies the `fix` templates in one transaction and checks again. */
export async function runCheckStep(step: CheckStep, plan: ResolvedPlan, db: DatabaseConnection, dry: boolean, reporter: Reporter): Promise<string> {
  const find = renderFor(plan, step.find, db);
  const found = await db.query(find.sql, find.params);
  for (const row of found) reporter.emit({ type: dry ? 'dry' : 'info', message: `${step.name}: ${reportLine(step, row)}` });
  if (found.length === 0) return 'nothing found';
  if (dry || !step.fix || step.fix.length === 0) return `found ${found.length}${dry && step.fix?.length ? ', would fix them' : ''}`;
  await db.transaction(async (tx) => {
    for (const template of step.fix!) {
      const fix = renderFor(plan, template, db);
      await tx.query(fix.sql, fix.params);
    }
    const again = await tx.query(find.sql, find.params);
    if (again.length > 0) {
      throw new PodMigrateError('INTEGRITY', `${step.name}: ${again.length} problem(s) remain after the fix (rolled back): ${reportLine(step, again[0])}`);
    }
  });
  return `found ${found.length}, fixed ${found.length}`;
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
    if (!target) throw new PodMigrateError('USAGE', `step ${step.name} needs the target database (to check that it is empty): give --target`);
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
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(step.run, { cwd, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') context.reporter.emit({ type: 'info', message: `  | ${line}` });
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode ?? 1));
  });
  if (code !== 0) throw new PodMigrateError('COMMAND_FAILED', `step ${step.name}: \`${step.run}\` exited with code ${code}`);
  return `ran ${step.run}`;
}
