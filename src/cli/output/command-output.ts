/**
 * What one command prints, chosen once from the output flags: the console (live lines on stderr, the end and
 * the verdict on stdout), or one JSON document on stdout (`--json`, in every case, exit 2 included), plus the
 * HTML report (`--report`) and the log file (`--log-file`). program.ts only says what happened.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { redactSecrets } from '../../dialects/url';
import type { Reporter } from '../../engine/reporter';
import type { RunSummary, StepTally } from '../../engine/summary';
import { PodMigrateError } from '../../errors';
import type { ResolvedPlan } from '../../plan/types';
import type { Output } from '../terminal-reporter';
import { renderRunEnd } from './console';
import { errorDocument, runDocument, textDocument, type RunDocument } from './document';
import { renderHtmlReport } from './html-report';
import { openLogFile, tee, type LogFile } from './log-file';
import { ConsoleReporter } from './progress';
import { paintFor } from './style';

export interface OutputFlags {
  verbose?: boolean;
  quiet?: boolean;
  json?: boolean;
  report?: string;
  logFile?: string;
}

export interface OutputIo {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export class CommandOutput {
  readonly stdout: Output;
  readonly stderr: Output;
  private readonly log: LogFile | undefined;
  private plan: ResolvedPlan | undefined;
  /** The error the end of the command already said (in the verdict or the JSON document): not said again. */
  private reported: unknown;
  /** With --json: the command's text result, kept for the document; and whether the document was written. */
  private readonly texts: string[] = [];
  private documentWritten = false;
  private readonly screens: ConsoleReporter[] = [];

  constructor(
    private readonly io: OutputIo,
    readonly command: string,
    readonly flags: OutputFlags,
  ) {
    this.log = flags.logFile ? openLogFile(resolve(io.cwd, flags.logFile)) : undefined;
    this.log?.write(`pod-migrate ${command}\n`);
    this.stdout = tee(io.stdout, this.log);
    this.stderr = tee(io.stderr, this.log);
  }

  /** Progress and messages: the console's (nothing with --json or --quiet), and everything into the log file. */
  reporter(): Reporter {
    const tablesPerStep = this.plan ? this.plan.tables.filter((t) => t.strategy !== 'skip').length + this.plan.tags.length : undefined;
    const screen = new ConsoleReporter(this.io.stderr, {
      verbose: this.flags.verbose,
      quiet: this.flags.quiet || this.flags.json,
      env: this.io.env,
      tablesPerStep,
    });
    const log = this.log ? new ConsoleReporter(this.log, { verbose: true, tablesPerStep }) : undefined;
    this.screens.push(screen);
    return {
      emit: (event) => {
        screen.emit(event);
        log?.emit(event);
      },
    };
  }

  /** Every command says which plan file it used (stderr: stdout may be JSON). */
  planUsed(plan: ResolvedPlan): void {
    this.plan = plan;
    const line = `plan: ${plan.files[plan.files.length - 1]} (${plan.name})\n`;
    if (this.flags.quiet || this.flags.json) this.log?.write(line);
    else this.stderr.write(line);
  }

  /** A command's result text (not with --json: the document is the result). */
  print(text: string): void {
    if (this.flags.json) this.texts.push(text);
    else this.stdout.write(`${text}\n`);
  }

  /** The end of a run: the console's end and verdict, or the JSON document; the report when asked. */
  finish(summary: RunSummary, error?: unknown, text?: string): void {
    this.stopProgress();
    const doc = runDocument(this.command, summary, this.plan, error);
    this.writeReport(doc);
    if (this.flags.json) this.writeDocument({ ...doc, ...(text !== undefined ? { text } : {}) });
    else {
      if (text !== undefined && !this.flags.quiet) this.stdout.write(`${text}\n`);
      // A blank line between the live lines (stderr) and the end.
      if (!this.flags.quiet) this.stdout.write('\n');
      this.stdout.write(
        `${renderRunEnd(summary, { verbose: this.flags.verbose, quiet: this.flags.quiet, paint: paintFor(this.io.stdout, this.io.env) })}\n`,
      );
    }
    if (error !== undefined) this.reported = error;
  }

  /** An error the end did not already say: once, on stderr, or as the JSON document. */
  fail(error: unknown, message: string): void {
    this.stopProgress();
    if (error === this.reported) return;
    if (this.flags.json) this.writeDocument(errorDocument(this.command, error, this.plan));
    else this.stderr.write(`error: ${redactSecrets(message)}\n`);
  }

  /** A command without a run summary (plan validate, explain, check) ended: with --json, its document now. */
  complete(exitCode: number): void {
    if (!this.flags.json || this.documentWritten) return;
    this.writeDocument(textDocument(this.command, exitCode === 0, this.texts.join('\n'), this.plan));
  }

  private writeDocument(doc: RunDocument): void {
    this.documentWritten = true;
    this.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  }

  close(): void {
    this.stopProgress();
    this.log?.close();
  }

  private stopProgress(): void {
    for (const screen of this.screens) screen.close();
  }

  private writeReport(doc: RunDocument): void {
    if (!this.flags.report) return;
    const path = resolve(this.io.cwd, this.flags.report);
    try {
      writeFileSync(path, renderHtmlReport(doc));
    } catch (error) {
      throw new PodMigrateError('USAGE', `--report ${this.flags.report}: cannot write it (${(error as Error).message})`, { cause: error });
    }
    if (!this.flags.json && !this.flags.quiet) this.stderr.write(`report: ${path}\n`);
  }
}

/** The summary of a command that is one step of a run (export, import, verify): rendered as a run is. */
export function stepSummary(
  plan: ResolvedPlan,
  step: StepTally,
  context: { source?: string; target?: string; warnings: string[]; ms: number },
): RunSummary {
  return {
    plan: plan.name,
    dry: step.status === 'dry',
    ok: step.status !== 'failed',
    steps: [step],
    reminders: [],
    ...context,
    ...(step.error ? { error: step.error.message, failure: step.error } : {}),
  };
}
