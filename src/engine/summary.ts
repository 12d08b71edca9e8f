/**
 * The end-of-run account: per step and per table, rows read / written / skipped and time taken
 * (pgloader's summary table). Printed as text, or as JSON for scripts (`--json`).
 */
import type { ErrorPlace } from '../errors';
import type { StepStatus } from './reporter';
import type { TableVerdict } from './verify';

export interface TableTally {
  table: string;
  read: number;
  written: number;
  skipped: number;
  ms: number;
  note?: string;
}

/**
 * Rows a step found that an administrator must see (always shown, dry run included: they are its answer):
 * orphans, check-step problems, preflight rejections, repairs. `keys`: the first ids (or report lines).
 */
export interface Finding {
  /** 'orphan', 'check', 'preflight', 'repair'… (open: renderers show any kind). */
  kind: string;
  table: string;
  /** The foreign key, NOT NULL / UNIQUE constraint… concerned. */
  constraint?: string;
  count: number;
  keys: string[];
  /** The plan rule or policy that applies (orphans: skip, a repair rule's name…). */
  rule?: string;
}

/** A rebuilt tag set, for the report: tags, links, spellings merged into one tag, slug collisions. */
export interface TagSetTally {
  set: string;
  tags: number;
  links: number;
  spellingsMerged: number;
  slugCollisions: number;
  missingObjects: number;
}

/** What stopped a step (or the run): the PodMigrateError's code and place, the message said once. */
export interface RunError {
  code: string;
  message: string;
  place?: ErrorPlace;
  /** The step that failed; absent when the run stopped before its first step (version gate, usage). */
  step?: string;
}

/** A database's version gate: what its schema says it is, and the plan's range for it. */
export interface GateResult {
  role: 'source' | 'target';
  database: string;
  detected: string;
  range: string;
  /** false: outside the range, and the run went on because of --force (a warning says so). */
  passed: boolean;
}

export interface StepTally {
  name: string;
  type: string;
  status: StepStatus;
  ms: number;
  detail?: string;
  tables: TableTally[];
  findings?: Finding[];
  /** The verify step's verdict per table. */
  verify?: TableVerdict[];
  tagSets?: TagSetTally[];
  error?: RunError;
}

export interface RunSummary {
  plan: string;
  dry: boolean;
  ok: boolean;
  steps: StepTally[];
  reminders: string[];
  warnings: string[];
  error?: string;
  /** The same error with its code, place and step (for --json and the report). */
  failure?: RunError;
  /** Databases by display name (never a password). */
  source?: string;
  target?: string;
  gates?: GateResult[];
  /** Whole run, version gates included. */
  ms?: number;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

export function formatSummary(summary: RunSummary): string {
  const lines: string[] = [];
  lines.push(`${summary.dry ? 'Dry run' : 'Run'} of plan ${summary.plan}: ${summary.ok ? 'OK' : 'FAILED'}`);
  lines.push('');
  lines.push(`${pad('step', 24)} ${pad('status', 8)} ${pad('time', 9, true)}  detail`);
  for (const step of summary.steps) {
    const time = step.status === 'not run' ? '' : seconds(step.ms);
    lines.push(`${pad(step.name, 24)} ${pad(step.status, 8)} ${pad(time, 9, true)}  ${step.detail ?? ''}`.trimEnd());
  }
  for (const step of summary.steps) {
    if (step.tables.length === 0) continue;
    const width = Math.max(5, ...step.tables.map((t) => t.table.length));
    lines.push('');
    lines.push(`${step.name}: ${step.tables.length} tables`);
    lines.push(
      `  ${pad('table', width)} ${pad('read', 10, true)} ${pad('written', 10, true)} ${pad('skipped', 8, true)} ${pad('time', 9, true)}`,
    );
    for (const t of step.tables) {
      lines.push(
        `  ${pad(t.table, width)} ${pad(String(t.read), 10, true)} ${pad(String(t.written), 10, true)} ${pad(String(t.skipped), 8, true)} ${pad(seconds(t.ms), 9, true)}${t.note ? `  ${t.note}` : ''}`,
      );
    }
    const total = step.tables.reduce(
      (a, t) => ({ read: a.read + t.read, written: a.written + t.written, skipped: a.skipped + t.skipped }),
      { read: 0, written: 0, skipped: 0 },
    );
    lines.push(
      `  ${pad('total', width)} ${pad(String(total.read), 10, true)} ${pad(String(total.written), 10, true)} ${pad(String(total.skipped), 8, true)}`,
    );
  }
  if (summary.warnings.length > 0) {
    lines.push('');
    lines.push('Warnings:');
    for (const w of summary.warnings) lines.push(`  - ${w}`);
  }
  if (summary.reminders.length > 0) {
    lines.push('');
    lines.push(summary.dry ? 'Reminders (shown at the end of a live run):' : 'Still to do by hand:');
    for (const [i, r] of summary.reminders.entries()) lines.push(`  ${i + 1}. ${r}`);
  }
  if (summary.error) {
    lines.push('');
    lines.push(`Error: ${summary.error}`);
  }
  return lines.join('\n');
}
