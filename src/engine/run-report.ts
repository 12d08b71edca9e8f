/**
 * Turns what the steps return (orphans, check results, tag sets, version guesses, errors) into the typed
 * parts of the run summary that the console, --json and the HTML report render. Kept out of run.ts so that
 * the run loop stays a loop.
 */
import semver from 'semver';
import { PodMigrateError } from '../errors';
import type { CheckStep, ResolvedPlan } from '../plan/types';
import type { OrphanFinding } from './orphans';
import type { CheckResult } from './steps';
import type { Finding, GateResult, RunError, StepTally, TagSetTally } from './summary';
import type { TagSetResult } from './tag-import';
import type { PodVersionGuess } from './version-gate';

export function orphanFindings(orphans: OrphanFinding[]): Finding[] {
  return orphans.map((o) => ({
    kind: 'orphan',
    table: o.fk.table,
    constraint: `${o.fk.table}.${o.fk.column} → ${o.fk.refTable}.${o.fk.refColumn}`,
    count: o.count,
    keys: o.keys.length > 0 ? o.keys : o.sample,
    rule: `orphans: ${o.policy}`,
  }));
}

/** A check step's problems: one finding, its keys the step's report lines (each names its row). */
export function checkFinding(step: CheckStep, result: CheckResult, dry: boolean): Finding[] {
  if (result.found === 0) return [];
  const rule = !step.fix?.length ? 'no fix' : dry ? 'would fix' : `fixed ${result.fixed}`;
  return [{ kind: 'check', table: `${step.database} database`, constraint: step.name, count: result.found, keys: result.lines, rule }];
}

export function tagSetTallies(results: TagSetResult[]): TagSetTally[] {
  return results.map((r) => ({
    set: r.set,
    tags: r.tags,
    links: r.links,
    spellingsMerged: r.spellingsMerged,
    slugCollisions: r.slugCollisions,
    missingObjects: r.missingObjects,
  }));
}

export function gateResults(
  plan: ResolvedPlan,
  databases: { source?: string; target?: string },
  guesses: { source?: PodVersionGuess; target?: PodVersionGuess },
): GateResult[] {
  return (['source', 'target'] as const).flatMap((role) => {
    const guess = guesses[role];
    const database = databases[role];
    if (!guess || !database) return [];
    const detected =
      guess.kind === 'empty' ? 'empty database' : guess.kind === 'unknown' ? 'no Pod database' : `Pod ${guess.version ?? '?'}`;
    const range = plan[role].pod;
    // An empty target got here only as make createDB's (or with --force, which warned): not a refusal.
    const passed =
      (role === 'target' && guess.kind === 'empty') ||
      (guess.kind === (role === 'source' ? 'pod3' : 'pod4') && guess.version !== null && semver.satisfies(guess.version, range));
    return [{ role, database, detected, range, passed }];
  });
}

/** `redact` takes connection strings out of a driver's message: the error is printed and may be kept as JSON. */
export function runErrorOf(error: unknown, redact: (text: string) => string, step?: string): RunError {
  const message = redact(error instanceof PodMigrateError ? error.describe() : String((error as Error)?.message ?? error));
  const code = error instanceof PodMigrateError ? error.code : 'UNEXPECTED';
  const place = error instanceof PodMigrateError && Object.keys(error.place).length > 0 ? error.place : undefined;
  return { code, message, ...(place ? { place } : {}), ...(step ? { step } : {}) };
}

/** A step's key figure: its tables and the rows it wrote (would read, in a dry run); none for a step without tables. */
export function stepFigures(tally: StepTally, dry: boolean): { tables: number; rows: number } | undefined {
  if (tally.tables.length === 0) return undefined;
  return { tables: tally.tables.length, rows: tally.tables.reduce((n, t) => n + (dry ? t.read : t.written), 0) };
}
