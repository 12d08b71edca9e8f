/**
 * Progress and messages of a run, as typed events (umzug's model): the engine emits, the CLI renders
 * (progress bars on a terminal, plain lines otherwise), tests collect.
 */
import type { Finding, GateResult } from './summary';

export type RunEvent =
  | { type: 'step-start'; step: string; stepType: string; description: string }
  | { type: 'step-end'; step: string; status: StepStatus; ms: number; detail?: string; figures?: { tables: number; rows: number } }
  /** Before a step's tables, when it knows them all: the N of "table n/N" and the rows for a whole-step ETA. */
  | { type: 'step-size'; step: string; tables: number; rows: number }
  | { type: 'table-start'; step: string; table: string; totalRows: number | null }
  | { type: 'table-progress'; step: string; table: string; rows: number; totalRows: number | null }
  | { type: 'table-end'; step: string; table: string; rows: number; ms: number }
  /**
   * What a step does before, between or after its tables (reading the whole dump to check it, rebuilding the tag sets,
   * restoring indexes and foreign keys, COMMIT): minutes on a large site, when no table moves.
   */
  | { type: 'phase'; step: string; message: string }
  | { type: 'info'; message: string }
  | { type: 'warning'; message: string }
  | { type: 'dry'; message: string }
  | { type: 'gates'; gates: GateResult[] }
  /** Rows a step found (preflight rejections, repairs applied): the run adds them to the step's tally. */
  | { type: 'findings'; findings: Finding[] };

/** `not run`: a step after the one that failed (or every step, when the run stopped before its first). */
export type StepStatus = 'done' | 'failed' | 'dry' | 'not run';

export interface Reporter {
  emit(event: RunEvent): void;
}

export const silentReporter: Reporter = { emit: () => undefined };

/** Keeps every event: for tests and for the end-of-run summary. */
export class CollectingReporter implements Reporter {
  readonly events: RunEvent[] = [];
  constructor(private readonly next: Reporter = silentReporter) {}
  emit(event: RunEvent): void {
    this.events.push(event);
    this.next.emit(event);
  }
  messages(type: 'info' | 'warning' | 'dry'): string[] {
    return this.events.flatMap((e) => (e.type === type ? [e.message] : []));
  }
}
