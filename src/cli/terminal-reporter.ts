/**
 * Renders run events for a person: a progress bar per table on a terminal (cli-progress), plain lines when
 * the output is a file or a pipe (CI logs, cron mails). Everything goes to stderr: stdout is for results.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { Reporter, RunEvent } from '../engine/reporter';
import { redactSecrets } from '../dialects/url';

export interface Output {
  write(text: string): void;
  isTTY?: boolean;
}

export class TerminalReporter implements Reporter {
  private bar: SingleBar | null = null;

  constructor(
    private readonly out: Output,
    private readonly options: { verbose?: boolean } = {},
  ) {}

  private line(text: string): void {
    this.stopBar();
    this.out.write(`${redactSecrets(text)}\n`);
  }

  private stopBar(): void {
    if (this.bar) {
      this.bar.stop();
      this.bar = null;
    }
  }

  emit(event: RunEvent): void {
    switch (event.type) {
      case 'step-start':
        this.line(`▶ ${event.step} (${event.stepType})${event.description ? ` — ${event.description}` : ''}`);
        break;
      case 'step-end':
        this.line(
          `${event.status === 'failed' ? '✗' : '✓'} ${event.step}: ${event.status} in ${(event.ms / 1000).toFixed(2)} s${event.detail ? ` — ${event.detail}` : ''}`,
        );
        break;
      case 'table-start':
        if (this.out.isTTY && event.totalRows !== null && event.totalRows > 20000) {
          this.stopBar();
          this.bar = new SingleBar(
            {
              format: `  ${event.step} ${event.table} [{bar}] {value}/{total} rows, {eta_formatted} left`,
              stream: process.stderr,
              hideCursor: true,
            },
            Presets.shades_classic,
          );
          this.bar.start(event.totalRows, 0);
        }
        break;
      case 'table-progress':
        if (this.bar) this.bar.update(event.rows);
        else if (this.options.verbose || !this.out.isTTY)
          this.line(`  ${event.step} ${event.table}: ${event.rows}${event.totalRows !== null ? `/${event.totalRows}` : ''} rows`);
        break;
      case 'table-end':
        this.stopBar();
        if (this.options.verbose || event.ms > 2000)
          this.line(`  ${event.step} ${event.table}: ${event.rows} rows in ${(event.ms / 1000).toFixed(2)} s`);
        break;
      case 'phase':
        if (this.options.verbose) this.line(`  … ${event.step}: ${event.message}`);
        break;
      case 'info':
        this.line(event.message);
        break;
      case 'warning':
        this.line(`warning: ${event.message}`);
        break;
      case 'dry':
        this.line(`[dry] ${event.message}`);
        break;
    }
  }
}
