/**
 * The end of a run on the console (stdout), after the live step lines: what an administrator must read —
 * verify's problems, the findings (always: they are a dry run's answer), the things to do by hand — and a
 * one-line verdict as the very last line. Per-table tallies only with --verbose; only the verdict with --quiet.
 */
import type { Finding, RunSummary, StepTally } from '../../engine/summary';
import { count, duration, plural, type Paint } from './style';

export interface ConsoleEndOptions {
  verbose?: boolean;
  quiet?: boolean;
  paint: Paint;
}

/** Keys shown per finding without --verbose (the report and --json carry them all). */
const SHOWN_KEYS = 10;

export function renderRunEnd(summary: RunSummary, options: ConsoleEndOptions): string {
  const blocks: string[][] = [];
  if (!options.quiet) {
    if (options.verbose) for (const step of summary.steps) if (step.tables.length > 0) blocks.push(tableTally(step));
    blocks.push(verifyProblems(summary));
    const notRun = summary.steps.filter((s) => s.status === 'not run');
    if (notRun.length > 0) blocks.push([`Not run: ${notRun.map((s) => s.name).join(', ')}`]);
    blocks.push(findingLines(summary, options.verbose ? Infinity : SHOWN_KEYS));
    if (summary.reminders.length > 0) {
      blocks.push([
        summary.dry ? 'To do by hand, after the live run:' : 'To do by hand:',
        ...summary.reminders.map((r, i) => `  ${i + 1}. ${r}`),
      ]);
    }
  }
  const shown = blocks.filter((b) => b.length > 0).map((b) => b.join('\n'));
  return [...shown, verdictLine(summary, options.paint)].join('\n\n');
}

/** `OK — 968,939 rows in 134 tables, verify passed (0 differ), 4 things to do by hand, 1m02s`, or `FAILED — step X: error`. */
export function verdictLine(summary: RunSummary, paint: Paint): string {
  if (!summary.ok) {
    const where = summary.failure?.step
      ? `step ${summary.failure.step}`
      : summary.failure?.code === 'VERSION_GATE'
        ? 'version gate'
        : 'before the first step';
    // Some messages name their step already: said once. A message of several lines (preflight: one per finding)
    // is said by its first line: the rest is under Findings, above.
    const message = (summary.failure?.message ?? summary.error ?? 'unknown error').replace(`${where}: `, '').split('\n')[0];
    return `${paint.bad(paint.bold('FAILED'))} — ${where}: ${message}`;
  }
  const parts: string[] = [];
  const moved =
    summary.steps.find((s) => s.type === 'import' && s.tables.length > 0) ??
    summary.steps.find((s) => s.type === 'export' && s.tables.length > 0);
  if (moved) {
    const rows = moved.tables.reduce((n, t) => n + (summary.dry ? t.read : t.written), 0);
    parts.push(
      summary.dry
        ? `${count(rows)} rows in ${count(moved.tables.length)} tables would be migrated, nothing written`
        : `${count(rows)} rows in ${count(moved.tables.length)} tables`,
    );
  } else if (summary.dry) {
    parts.push('nothing written');
  }
  const verify = summary.steps.find((s) => s.type === 'verify');
  if (verify?.verify) {
    const differ = verify.verify.filter((v) => v.status === 'differs' || v.status === 'missing').length;
    const lossy = verify.verify.filter((v) => v.status === 'lossy').length;
    parts.push(`verify passed (${differ} differ${lossy > 0 ? `, ${lossy} lossy` : ''})`);
  }
  const findings = summary.steps.flatMap((s) => s.findings ?? []);
  if (findings.length > 0) parts.push(plural(findings.length, 'finding'));
  if (summary.warnings.length > 0) parts.push(plural(summary.warnings.length, 'warning'));
  if (summary.reminders.length > 0) parts.push(`${plural(summary.reminders.length, 'thing')} to do by hand`);
  if (summary.ms !== undefined) parts.push(duration(summary.ms));
  return `${paint.ok(paint.bold(summary.dry ? 'DRY RUN OK' : 'OK'))} — ${parts.join(', ')}`;
}

function tableTally(step: StepTally): string[] {
  const width = Math.max(5, ...step.tables.map((t) => t.table.length));
  const row = (cells: string[]) =>
    `  ${cells[0].padEnd(width)} ${cells
      .slice(1)
      .map((c, i) => c.padStart(i === 3 ? 8 : 10))
      .join(' ')}`.trimEnd();
  const total = step.tables.reduce((a, t) => ({ read: a.read + t.read, written: a.written + t.written, skipped: a.skipped + t.skipped }), {
    read: 0,
    written: 0,
    skipped: 0,
  });
  return [
    `${step.name}: ${plural(step.tables.length, 'table')}`,
    row(['table', 'read', 'written', 'skipped', 'time']),
    ...step.tables.map(
      (t) => `${row([t.table, count(t.read), count(t.written), count(t.skipped), duration(t.ms)])}${t.note ? `  ${t.note}` : ''}`,
    ),
    row(['total', count(total.read), count(total.written), count(total.skipped), '']),
  ];
}

function verifyProblems(summary: RunSummary): string[] {
  const bad = summary.steps.flatMap((s) => s.verify ?? []).filter((v) => v.status !== 'ok');
  if (bad.length === 0) return [];
  return [
    `verify: ${plural(bad.length, 'table')} not identical:`,
    ...bad.map(
      (v) =>
        `  ${v.table}: ${v.status}, ${count(v.sourceRows)} → ${count(v.targetRows)} rows${v.detail ? `, ${v.detail}` : ''}${v.keys?.length ? ` [keys: ${v.keys.join(', ')}]` : ''}`,
    ),
  ];
}

export function findingLines(summary: RunSummary, shownKeys: number): string[] {
  const steps = summary.steps.filter((s) => (s.findings ?? []).length > 0);
  if (steps.length === 0) return [];
  const lines = ['Findings:'];
  for (const step of steps) for (const f of step.findings!) lines.push(...findingText(step.name, f, shownKeys));
  return lines;
}

function findingText(step: string, f: Finding, shownKeys: number): string[] {
  const head = `  ${step}: ${f.kind} ${f.table}${f.constraint ? ` (${f.constraint})` : ''}: ${count(f.count)}${f.rule ? `, ${f.rule}` : ''}`;
  const keys = f.keys.slice(0, shownKeys);
  const more = f.keys.length > keys.length ? ` … ${count(f.keys.length - keys.length)} more (-v, --json or --report)` : '';
  // Short ids on the same line; report lines (check steps), one per line.
  if (keys.every((k) => k.length <= 24)) return [`${head}${keys.length ? ` — ids ${keys.join(', ')}` : ''}${more}`];
  return [head, ...keys.map((k) => `      ${k}`), ...(more ? [`     ${more}`] : [])];
}
