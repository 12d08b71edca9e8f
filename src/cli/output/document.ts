/**
 * The one document a command's outcome becomes, for `--json` (stdout) and the HTML report: the run summary
 * plus what identifies it — the tool's version, the plan file and its hash, the command. A failure before
 * any summary exists (bad usage, invalid plan: exit 2) is a document too, `{ ok: false, error }`.
 * Shape: schemas/run-result.schema.json.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactSecrets } from '../../dialects/url';
import { exitCodeFor } from '../../errors';
import { runErrorOf } from '../../engine/run-report';
import type { GateResult, RunError, RunSummary, StepTally } from '../../engine/summary';
import type { ResolvedPlan } from '../../plan/types';
import { verdictLine } from './console';
import { plainPaint } from './style';

export interface PlanIdentity {
  name: string;
  /** The plan file given (after the lookup among the shipped plans). */
  file: string;
  /** sha256 of the plan file and the files it extends, in that order: which plan exactly ran. */
  sha256: string;
}

export interface RunDocument {
  ok: boolean;
  command: string;
  tool: { name: string; version: string };
  /** The console's last line: `OK — 968,939 rows in 134 tables, …` or `FAILED — step import: …`. */
  verdict?: string;
  plan?: PlanIdentity;
  dry?: boolean;
  source?: string;
  target?: string;
  gates?: GateResult[];
  steps?: StepTally[];
  warnings?: string[];
  reminders?: string[];
  ms?: number;
  error?: RunError & { exitCode: number };
  /** The command's text result (plan validate, plan explain, check, export, import, verify). */
  text?: string;
}

let version: string | undefined;

/** pod-migrate's version, from its package.json (two folders up from src/cli/output and dist/cli/output). */
export function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

function tool(): RunDocument['tool'] {
  return { name: 'pod-migrate', version: toolVersion() };
}

export function planIdentity(plan: ResolvedPlan): PlanIdentity {
  const hash = createHash('sha256');
  for (const file of [...plan.files].reverse()) hash.update(readFileSync(file));
  return { name: plan.name, file: plan.files[plan.files.length - 1] ?? '', sha256: hash.digest('hex') };
}

export function runDocument(command: string, summary: RunSummary, plan: ResolvedPlan | undefined, error?: unknown): RunDocument {
  const { plan: _name, error: _text, failure, ok, ...rest } = summary;
  return {
    ok,
    command,
    tool: tool(),
    verdict: verdictLine(summary, plainPaint),
    ...(plan ? { plan: planIdentity(plan) } : {}),
    ...rest,
    ...(failure ? { error: { ...failure, exitCode: exitCodeFor(error) } } : {}),
  };
}

/** A command that stopped before it had a summary: the error alone (never a password). */
export function errorDocument(command: string, error: unknown, plan?: ResolvedPlan): RunDocument {
  return {
    ok: false,
    command,
    tool: tool(),
    ...(plan ? { plan: planIdentity(plan) } : {}),
    error: { ...runErrorOf(error, (text) => redactSecrets(text)), exitCode: exitCodeFor(error) },
  };
}

/** A command whose result is text (plan validate, plan explain, check). */
export function textDocument(command: string, ok: boolean, text: string, plan?: ResolvedPlan): RunDocument {
  return { ok, command, tool: tool(), ...(plan ? { plan: planIdentity(plan) } : {}), text };
}
