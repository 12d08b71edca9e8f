/**
 * The live part of the console (stderr): the version gates, one line per step as it ends (status, time, key
 * figure), warnings as they happen, and while a step reads or writes tables, its progress — one redrawn line
 * on a terminal (cli-progress), a plain line every PLAIN_EVERY_MS otherwise (logs, CI), nothing with --quiet.
 * Per-table lines and the engine's info / dry messages only with --verbose (a command step's output always).
 */
import { Presets, SingleBar } from 'cli-progress';
import { redactSecrets } from '../../dialects/url';
import { onInterrupt } from '../../interrupt';
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
  /** From step-size, when the step knows its tables and rows ahead. */
  size?: { tables: number; rows: number };
}

interface TableState {
  name: string;
  total: number | null;
  rows: number;
}

/** A step's phase (RunEvent 'phase'): its text and when it began; off a terminal, the timer of its plain lines. */
interface PhaseState {
  text: string;
  since: number;
  timer?: NodeJS.Timeout;
}

export class ConsoleReporter implements Reporter {
  private readonly paint: Paint;
  private step: StepState | null = null;
  private table: TableState | null = null;
  private phase: PhaseState | null = null;
  private bar: SingleBar | null = null;
  private forgetBar: () => void = () => undefined;
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
      case 'step-size':
        this.stepNamed(event.step).size = { tables: event.tables, rows: event.rows };
        break;
      case 'phase':
        this.startPhase(event.step, event.message);
        break;
      case 'table-start': {
        this.endPhase();
        const step = this.leaveTable(event.step);
        this.table = { name: event.table, total: event.totalRows, rows: 0 };
        step.tables += 1;
        this.progress();
        break;
      }
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
    this.endPhase();
    const step = this.step?.name === event.step ? this.step : null;
    this.step = null;
    this.table = null;
    // Reminders are listed once, as the checklist at the end.
    if (step?.type === 'reminder' && !this.options.verbose) {
      this.stopBar();
      return;
    }
    const mark = event.status === 'failed' ? this.paint.bad('✗') : this.paint.ok('✓');
    const figure = event.figures ? `${plural(event.figures.tables, 'table')}, ${plural(event.figures.rows, 'row')}` : '';
    const what = event.status === 'failed' ? 'failed' : [figure, event.detail ?? ''].filter((t) => t !== '').join(' · ');
    this.line(`${mark} ${event.step.padEnd(STEP_WIDTH - 2)} ${this.paint.dim(duration(event.ms).padStart(7))}  ${what}`.trimEnd());
  }

  /** The step events name (export, import, verify run alone have no step-start). */
  private stepNamed(name: string): StepState {
    if (this.step?.name !== name) this.step = { name, type: name, started: Date.now(), tables: 0, rows: 0 };
    return this.step;
  }

  /**
   * Where the current step is: table n/N and its rows, the step's rows done (of its total when known), the
   * rate over the step, and the time left — of the step when it said its size, else of the current table.
   */
  private describe(): { text: string; value: number; total: number } | null {
    const { step, table } = this;
    if (!step || !table) return null;
    const elapsed = Math.max(1, Date.now() - step.started);
    const rows = step.rows + table.rows;
    const rate = (rows * 1000) / elapsed;
    const tables = step.size?.tables ?? this.options.tablesPerStep;
    const n = tables && step.tables <= tables ? `${step.tables}/${tables}` : String(step.tables);
    const ofTable = table.total !== null ? `/${count(table.total)}` : '';
    const total = step.size?.rows ?? null;
    const remaining = total !== null ? total - rows : table.total !== null ? table.total - table.rows : null;
    const eta =
      remaining !== null && rate > 0 ? ` · ETA ${duration(Math.max(0, (remaining * 1000) / rate))}${total === null ? ' (table)' : ''}` : '';
    return {
      text: `${step.name}: table ${n} ${table.name} ${count(table.rows)}${ofTable} · ${count(rows)}${total !== null ? `/${count(total)}` : ''} rows · ${count(Math.round(rate))} rows/s${eta}`,
      value: total !== null ? rows : table.rows,
      total: total ?? table.total ?? 0,
    };
  }

  /**
   * The step, its current table left: a step that reports no table-end (verify) has finished its table when it starts
   * the next one or a phase, and its rows count in the step's.
   */
  private leaveTable(stepName: string): StepState {
    const step = this.stepNamed(stepName);
    if (this.table) step.rows += this.table.total ?? this.table.rows;
    this.table = null;
    return step;
  }

  /**
   * A phase, where no table moves: on a terminal the live line says it, with the time it has taken so far; otherwise a
   * plain line every PLAIN_EVERY_MS while it lasts (none for a short one), or at once with --verbose.
   */
  private startPhase(stepName: string, message: string): void {
    this.endPhase();
    const step = this.leaveTable(stepName);
    const phase: PhaseState = { text: `${step.name}: ${message}`, since: Date.now() };
    this.phase = phase;
    if (this.options.verbose) this.line(`  … ${phase.text}`);
    if (this.out.isTTY) {
      this.live(phase.text, 0, 0, phase.since);
      return;
    }
    if (this.options.verbose) return;
    const every = this.options.plainEveryMs ?? PLAIN_EVERY_MS;
    phase.timer = setInterval(() => {
      this.lastPlain = Date.now();
      this.line(`  … ${phase.text} (${duration(Date.now() - phase.since)})`);
    }, every);
    phase.timer.unref();
  }

  private endPhase(): void {
    if (this.phase?.timer) clearInterval(this.phase.timer);
    this.phase = null;
  }

  /** The live line on a terminal (one redrawn line); `since`: a phase's start, whose time taken it shows as it ticks. */
  private live(text: string, value: number, total: number, since?: number): void {
    if (!this.bar) {
      this.bar = new SingleBar(
        {
          stream: this.out as unknown as NodeJS.WritableStream,
          format: (_options, _params, payload: { text: string; since?: number }) =>
            `${this.paint.dim('…')} ${payload.text}${payload.since === undefined ? '' : this.paint.dim(` · ${duration(Date.now() - payload.since)}`)}`,
          hideCursor: true,
          clearOnComplete: true,
          linewrap: false,
          fps: 5,
        },
        Presets.shades_classic,
      );
      this.bar.start(total, value, { text, since });
      // Ctrl-C during a step: the line cleared and the cursor shown again before the interrupt message.
      this.forgetBar = onInterrupt(() => this.stopBar());
    } else {
      this.bar.setTotal(total);
      this.bar.update(value, { text, since });
    }
  }

  private progress(): void {
    // Off a terminal, the line is described only when it is printed: its figures' thousands separators (ICU) cost
    // about 0.1 ms a line, at every table of an import.
    const every = this.options.plainEveryMs ?? PLAIN_EVERY_MS;
    if (!this.out.isTTY && Date.now() - this.lastPlain < every) return;
    const now = this.describe();
    if (!now) return;
    if (this.out.isTTY) {
      this.live(now.text, now.value, now.total);
      return;
    }
    this.lastPlain = Date.now();
    this.line(`  … ${now.text}`);
  }

  /** The end of the command: a bar left running (a step alone has no step-end) would keep the process alive. */
  close(): void {
    this.endPhase();
    this.stopBar();
  }

  private stopBar(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
      this.forgetBar();
    }
  }
}
