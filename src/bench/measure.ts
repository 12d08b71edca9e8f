/** Clocks, the peak-RSS sampler and number formatting for the benchmark. */
import v8 from 'node:v8';
import vm from 'node:vm';

export function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = now();
  const value = await work();
  return { value, seconds: now() - started };
}

let gcFunction: (() => void) | null | undefined;
/** A full garbage collection before a measured phase, so that its peak RSS is not the previous phase's garbage. */
export function collectGarbage(): void {
  if (gcFunction === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gcFunction = vm.runInNewContext('gc') as () => void;
    } catch {
      gcFunction = null;
    }
  }
  gcFunction?.();
}

/** Samples process.memoryUsage().rss every `everyMs` (and whenever sample() is called); peaks per phase. */
export class RssSampler {
  private timer: NodeJS.Timeout | null = null;
  private peak = 0;

  constructor(private readonly everyMs = 50) {}

  start(): void {
    this.peak = process.memoryUsage().rss;
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  sample(): number {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
    return rss;
  }

  /** The peak since start() or the previous reset(), then starts a new phase from the current RSS. */
  reset(): number {
    this.sample();
    const peak = this.peak;
    this.peak = process.memoryUsage().rss;
    return peak;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
    return this.peak;
  }
}

export function mb(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

export function rate(rows: number, seconds: number): number {
  return seconds > 0 ? Math.round(rows / seconds) : 0;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** 12345 → "12,345". */
export function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A plain text table: the first row is the header; numbers right-aligned. */
export function table(rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? int(c) : c)));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = rows[0].map((_, i) =>
    rows.slice(1).every((r) => typeof r[i] === 'number' || /^([\d,.×x–-]+( s| MB|%)?)?$/.test(String(r[i] ?? ''))),
  );
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** The middle value (the mean of the two middle ones for an even count): what a round's outlier cannot move. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
