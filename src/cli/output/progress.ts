/**
 * The live part of the console (stderr): the version gates, one line per step as it ends (status, time, key
 * figure), warnings as they happen, and while a step reads or writes tables, its progress — one redrawn line
 * on a terminal (cli-progress), a plain line every PLAIN_EVERY_MS otherwise (logs, CI), nothing with --quiet.
 * Per-table lines and the engine's info / dry messages only with --verbose (a command step's output always).
 */
import { Presets, SingleBar } from 'cli-progress';
import { redactSecrets } from '../../dialects/url';
import type { Reporter, RunEvent } from '../../engine/reporter';
import type { Output } from '../terminal-reporter';
import { count, duration, paintFor, plural, type Paint } from './style';

export interface ConsoleReporterOptions {
  verbose?: boolean;
  /** Only errors and the verdict: nothing live. */
  quiet?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Tables a table step goes through (the plan's, tag sets included): the N of "table n/N". */
  tablesPerStep?: number;
  /** Between two plain progress lines when the output is not a terminal. */
  plainEveryMs?: number;
}

const PLAIN_EVERY_MS = 10_000;
const STEP_WIDTH = 20;

interface StepState {
  name: string;
  type: string;
  started: number;
  tables: number;
  rows: number;
}

interface TableState {
  name: string;
  total: number | null;
  rows: number;
}

export class ConsoleReporter implements Reporter {
  private readonly paint: Paint;
  private step: StepState | null = null;
  private table: TableState | null = null;
  private bar: SingleBar | null = null;
  private lastPlain = 0;

  constructor(
    private readonly out: Output,
    private readonly options: ConsoleReporterOptions = {},
  ) {
    this.paint = paintFor(out, options.env ?? {});
  }

  private line(text: string): void {
    this.stopBar();
    this.out.write(`${redactSecrets(text)}\n`);
  }

  emit(event: RunEvent): void {
    if (this.options.quiet) return;
    const { paint } = this;
    switch (event.type) {
      case 'gates':
        for (const g of event.gates) {
          const mark = g.passed ? paint.ok('✓') : paint.warn('!');
          this.line(`${mark} ${g.role.padEnd(STEP_WIDTH - 2)} ${g.detected} (plan: ${g.range}) — ${g.database}`);
        }
        break;
      case 'step-start':
        this.step = { name: event.step, type: event.stepType, started: Date.now(), tables: 0, rows: 0 };
        this.lastPlain = Date.now();
        if (this.options.verbose) this.line(`▶ ${event.step} (${event.stepType})${event.description ? ` — ${event.description}` : ''}`);
        break;
      case 'step-end':
        this.stepEnd(event);
        break;
      case 'table-start':
        this.table = { name: event.table, total: event.totalRows, rows: 0 };
        if (this.step) this.step.tables += 1;
        this.progress();
        break;
      case 'table-progress':
        if (this.table) this.table.rows = event.rows;
        this.progress();
        break;
      case 'table-end':
        if (this.step) this.step.rows += event.rows;
        this.table = null;
        if (this.options.verbose) this.line(`  ${event.step} ${event.table}: ${count(event.rows)} rows in ${duration(event.ms)}`);
        break;
      case 'warning':
        this.line(paint.warn(`warning: ${event.message}`));
        break;
      case 'info':
        // A command step's output (make createDB) is its only progress: streamed as it comes.
        if (this.options.verbose || this.step?.type === 'command') this.line(event.message);
        break;
      case 'dry':
        if (this.options.verbose) this.line(`[dry] ${event.message}`);
        break;
    }
  }

  private stepEnd(event: Extract<RunEvent, { type: 'step-end' }>): void {
    const step = this.step?.name === event.step ? this.step : null;
    this.step = null;
    this.table = null;
    // Reminders are listed once, as the checklist at the end.
    if (step?.type === 'reminder' && !this.options.verbose) {
      this.stopBar();
      return;
    }
    const mark = event.status === 'failed' ? this.paint.bad('✗') : this.paint.ok('✓');
    const figures = event.figures ?? (step && step.tables > 0 ? { tables: step.tables, rows: step.rows } : undefined);
    const figure = figures ? `${plural(figures.tables, 'table')}, ${plural(figures.rows, 'row')}` : '';
    const what = event.status === 'failed' ? 'failed' : [figure, event.detail ?? ''].filter((t) => t !== '').join(' · ');
    this.line(`${mark} ${event.step.padEnd(STEP_WIDTH - 2)} ${this.paint.dim(duration(event.ms).padStart(7))}  ${what}`.trimEnd());
  }

  /** Where the current step is: table n/N, rows of the table, rate over the step, time left in the table. */
  private describe(): { text: string; value: number; total: number } | null {
    const { step, table } = this;
    if (!step || !table) return null;
    const elapsed = Math.max(1, Date.now() - step.started);
    const rows = step.rows + table.rows;
    const rate = (rows * 1000) / elapsed;
    const n = this.options.tablesPerStep && step.tables <= this.options.tablesPerStep ? `${step.tables}/${this.options.tablesPerStep}` : String(step.tables);
    const left = table.total !== null && rate > 0 ? ` · table ETA ${duration(((table.total - table.rows) * 1000) / rate)}` : '';
    const of = table.total !== null ? `/${count(table.total)}` : '';
    return {
      text: `${step.name}: table ${n} ${table.name} ${count(table.rows)}${of} rows · ${count(rows)} rows in ${duration(elapsed)} · ${count(Math.round(rate))} rows/s${left}`,
      value: table.rows,
      total: table.total ?? 0,
    };
  }

  private progress(): void {
    const now = this.describe();
    if (!now) return;
    if (this.out.isTTY) {
      if (!this.bar) {
        this.bar = new SingleBar(
          {
            stream: this.out as unknown as NodeJS.WritableStream,
            format: (_options, _params, payload: { text: string }) => `${this.paint.dim('…')} ${payload.text}`,
            hideCursor: true,
            clearOnComplete: true,
            linewrap: false,
            fps: 5,
          },
          Presets.shades_classic,
        );
        this.bar.start(now.total, now.value, { text: now.text });
      } else {
        this.bar.setTotal(now.total);
        this.bar.update(now.value, { text: now.text });
      }
      return;
    }
    const every = this.options.plainEveryMs ?? PLAIN_EVERY_MS;
    if (Date.now() - this.lastPlain >= every) {
      this.lastPlain = Date.now();
      this.line(`  … ${now.text}`);
    }
  }

  private stopBar(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
    }
  }
}
