/**
 * Migration throughput for one (source, target) pair: Pod 3.8.4 seeded with N videos, a fresh Pod 4.0.3 (as after
 * make createDB), the real `runPlan` with the shipped plan (in a process of its own, see run-child.ts); per step rows, seconds, rows/s and peak RSS; then the
 * database's own bulk load of the largest tables the import wrote, for the ratio.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../dialects';
import type { DialectName } from '../dialects/dialect';
import type { ConnectionSettings } from '../dialects/url';
import type { RunSummary } from '../engine/summary';
import type { ResolvedPlan } from '../plan/types';
import { seedDatabase } from '../seed/write';
import { cleanups, createPodDatabase, type BenchDatabase } from './databases';
import { mb, median, rate, round } from './measure';
import { measureNativeLoads } from './native-load';
import { measurePgloader, type PgloaderFigure } from './pgloader';
import { measuredRunInChild, type RunMeasurement } from './run-child';
import { settleServer } from './settle';
import { measureSteal, type PhaseSteal } from './steal';

export interface StepFigure {
  step: string;
  type: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

export interface RatioFigure {
  table: string;
  rows: number;
  /** Import step: this table's dump rows read, converted and written (table-start → table-end of the import). */
  oursSeconds: number;
  oursRowsPerSecond: number;
  /** The dialect's insertRows alone, same rows from memory, into an empty twin. */
  insertRowsSeconds: number;
  insertRowsRowsPerSecond: number;
  /** The database's own bulk load of the same rows from a file into an empty twin. */
  nativeSeconds: number;
  nativeRowsPerSecond: number;
  nativeMethod: string;
  /** ours rows/s ÷ native rows/s (1 = as fast as the database's own bulk load). */
  ratio: number;
  insertRowsRatio: number;
}

/**
 * One round of the ratio: the import's time in the compared tables against the native loads right after it, and
 * verify ÷ import. Round 1 is the plan run; each later round the same plan run again (export, import, tags, verify:
 * the same v3 database, a fresh Pod 4.0.3 target, a process of its own), then the native loads into twins of that
 * target's tables.
 */
export interface RatioRound {
  round: number;
  /** The import's in-table seconds, summed over the compared tables. */
  oursSeconds: number;
  /** The native loads' seconds of the same tables. */
  nativeSeconds: number;
  /** nativeSeconds ÷ oursSeconds: ours/native as rows per second (the same rows on both sides). */
  ratio: number;
  /** The round's whole plan run. */
  runSeconds: number;
  importSeconds: number;
  verifySeconds: number | null;
  verifyOverImport: number | null;
  steal: { run: PhaseSteal | null; native: PhaseSteal | null };
}

export interface PairFigure {
  pair: string;
  source: DialectName;
  target: DialectName;
  videos: number;
  ok: boolean;
  error?: string;
  seed: { rows: number; tables: number; seconds: number };
  dumpBytes: number;
  dumpMb: number;
  steps: StepFigure[];
  /** The plan run, in a fresh process: wall time, that process's peak RSS and its RSS just before runPlan. */
  run: { seconds: number; peakRssMb: number; rssBeforeMb: number };
  /**
   * Where the import step's time goes: before the dump's first table (introspection, dump scan, preflight, merge
   * tables read, deletes), streaming the dump (of which inside the tables' table-start → table-end), after the last
   * table (merge rows kept, tag sets, foreign-key check, COMMIT, sequences), and the tag sets alone.
   */
  importBreakdown: { before: number; streaming: number; inTables: number; after: number; tagSets: number } | null;
  /** Rows written by the import per table (all tables, largest first). */
  importTables: Array<{ table: string; rows: number; seconds: number }>;
  ratio: {
    tables: RatioFigure[];
    /** The tables together: ours = the sum of their in-table import times. */
    total: Omit<RatioFigure, 'table' | 'nativeMethod'> | null;
    /** The whole import step (deletes, merges, tags, FK check, COMMIT, sequences included) against the native loads' sum. */
    wholeImport: { importSeconds: number; nativeSeconds: number; slowdown: number } | null;
    /**
     * Round 1 (the figures above), then the repeated ones (PairOptions.rounds). One import against one load moves with
     * the host (the same loads took ±25 % from run to run on a 2-CPU machine with no steal): the targets are read on
     * the median of the rounds, each round's import paired with the loads right after it.
     */
    rounds: RatioRound[];
    median: { ratio: number; verifyOverImport: number | null } | null;
    error?: string;
  };
  /** CPU time the hypervisor took from the machine during the plan run, the native loads and pgloader (steal.ts). */
  steal: { run: PhaseSteal | null; native: PhaseSteal | null; pgloader: PhaseSteal | null };
  /** The machine's 1-minute load average when the pair ended (other work skews the figures). */
  loadAverage: number;
  /** Time spent, untimed, letting the servers write out earlier work before each timed phase (settle.ts). */
  settleSeconds: number;
  /** pgloader's plain copy of the same v3 database, in the same run (MariaDB → PostgreSQL, where installed). */
  pgloader?: PgloaderFigure;
}

export interface PairOptions {
  videos: number;
  seed: number;
  /** The seed's busier site (GenerateOptions.busy). */
  busy: boolean;
  /** How many of the largest imported tables to load natively (Infinity: every non-empty one). */
  ratioTables: number;
  /** Ratio rounds (at least 1: the plan run; each more the same plan run into a fresh target, then the native loads). */
  rounds: number;
  /** MariaDB target bulk path: the dialect's default (multi-row INSERT) or LOAD DATA (`?bulk=load-data`). */
  mysqlBulk: 'insert' | 'load-data';
  /** The plan file (the run happens in a child process, which loads it). */
  planPath: string;
  /** pgloader's version when it runs as a peer (MariaDB → PostgreSQL pairs, where installed), else null. */
  pgloader: string | null;
  log: (line: string) => void;
}

function withBulk(settings: ConnectionSettings, bulk: PairOptions['mysqlBulk']): ConnectionSettings {
  if (settings.dialect !== 'mysql') return settings;
  return { ...settings, options: { ...settings.options, bulk } };
}

export async function benchPair(plan: ResolvedPlan, source: DialectName, target: DialectName, options: PairOptions): Promise<PairFigure> {
  const pair = `${source}→${target}`;
  const figure: PairFigure = {
    pair,
    source,
    target,
    videos: options.videos,
    ok: false,
    seed: { rows: 0, tables: 0, seconds: 0 },
    dumpBytes: 0,
    dumpMb: 0,
    steps: [],
    run: { seconds: 0, peakRssMb: 0, rssBeforeMb: 0 },
    importTables: [],
    importBreakdown: null,
    ratio: { tables: [], total: null, wholeImport: null, rounds: [], median: null },
    steal: { run: null, native: null, pgloader: null },
    loadAverage: 0,
    settleSeconds: 0,
  };
  const dir = mkdtempSync(join(tmpdir(), 'pod-migrate-bench-'));
  const dumpPath = join(dir, 'v3_exported_tables.json');
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  cleanups.add(removeDir);
  const databases: BenchDatabase[] = [];
  try {
    options.log(`${pair}: creating Pod 3.8.4 (${source}) and Pod 4.0.3 (${target}) databases`);
    const v3 = await createPodDatabase(source, '3.8.4', 'initial', `v3${source}`);
    databases.push(v3);
    const v4 = await createPodDatabase(target, '4.0.3', 'createdb', `v4${target}`);
    databases.push(v4);

    options.log(`${pair}: seeding ${options.videos} videos`);
    const seedConn = await connect(v3.settings);
    try {
      const seeded = await seedDatabase(seedConn, { videos: options.videos, seed: options.seed, busy: options.busy });
      figure.seed = { rows: seeded.rows, tables: seeded.tables, seconds: round(seeded.ms / 1000) };
    } finally {
      await seedConn.close();
    }

    const settleBoth = async () => {
      for (const db of [v3, v4]) figure.settleSeconds += await settleServer(db);
    };
    options.log(`${pair}: letting the servers write out the seed`);
    await settleBoth();
    options.log(`${pair}: plan run (export, import, verify), in a process of its own`);
    const endRunSteal = measureSteal();
    const measured = await measuredRunInChild({
      planPath: options.planPath,
      source: v3.settings,
      target: withBulk(v4.settings, options.mysqlBulk),
      dumpPath,
    });
    figure.steal.run = endRunSteal();
    const outcome = { summary: measured.summary };
    if (source === 'mysql' && target === 'postgres' && options.pgloader) {
      await settleBoth();
      const endPgloaderSteal = measureSteal();
      figure.pgloader = await measurePgloader(v3, options.pgloader, options.log);
      figure.steal.pgloader = endPgloaderSteal();
    }
    figure.run.seconds = round(measured.seconds);
    figure.run.peakRssMb = mb(measured.peakRss);
    figure.run.rssBeforeMb = mb(measured.rssBefore);
    figure.ok = outcome.summary.ok;
    if (!outcome.summary.ok) figure.error = outcome.summary.error ?? 'the run failed';
    try {
      figure.dumpBytes = statSync(dumpPath).size;
      figure.dumpMb = mb(figure.dumpBytes);
    } catch {
      // no dump (the export failed)
    }

    for (const step of outcome.summary.steps) {
      if (step.type === 'reminder') continue;
      let rows = step.tables.reduce((sum, t) => sum + t.written, 0);
      if (step.type === 'verify') rows = Object.values(measured.verifyRows).reduce((a, b) => a + b, 0);
      const seconds = step.ms / 1000;
      figure.steps.push({
        step: step.name,
        type: step.type,
        rows,
        seconds: round(seconds),
        rowsPerSecond: rate(rows, seconds),
        peakRssMb: mb(measured.stepPeaks[step.name] ?? 0),
      });
    }
    const importStep = outcome.summary.steps.find((s) => s.type === 'import');
    const importEnds = new Map(measured.tableEnds.filter((t) => t.step === 'import').map((t) => [t.table, t]));
    figure.importTables = (importStep?.tables ?? [])
      .map((t) => ({ table: t.table, rows: t.written, seconds: round((importEnds.get(t.table)?.ms ?? t.ms) / 1000, 3) }))
      .sort((a, b) => b.rows - a.rows);

    const mark = importStep ? measured.marks[importStep.name] : undefined;
    if (importStep && mark?.end !== undefined && mark.firstTable !== undefined && mark.lastTable !== undefined) {
      const tagSetNames = new Set(plan.tags.map((t) => t.dumpTable));
      figure.importBreakdown = {
        before: round(mark.firstTable - mark.start),
        streaming: round(mark.lastTable - mark.firstTable),
        inTables: round(measured.tableEnds.filter((t) => t.step === importStep.name).reduce((sum, t) => sum + t.ms, 0) / 1000),
        after: round(mark.end - mark.lastTable),
        tagSets: round(importStep.tables.filter((t) => tagSetNames.has(t.table)).reduce((sum, t) => sum + t.ms, 0) / 1000),
      };
    }

    if (figure.ok && options.ratioTables > 0) {
      // Tables written row for row from the dump (not the tag pseudo-table, whose "written" counts Tagulous links).
      // Only `replace` tables: a merge table also holds the target's own rows, which the twin would copy too.
      const tagTables = new Set(plan.tags.map((t) => t.dumpTable));
      const replaced = new Set(plan.tables.filter((t) => t.strategy === 'replace').map((t) => t.target));
      const chosen = figure.importTables
        .filter((t) => !tagTables.has(t.table) && replaced.has(t.table) && importEnds.has(t.table) && t.rows > 0)
        .slice(0, options.ratioTables);
      // Loaded in the order the import wrote them.
      const importOrder = [...importEnds.keys()];
      const loadOrder = chosen.map((t) => t.table).sort((a, b) => importOrder.indexOf(a) - importOrder.indexOf(b));
      options.log(
        `${pair}: the database's own bulk load of ${chosen.length > 5 ? `${chosen.length} tables` : chosen.map((t) => t.table).join(', ')}`,
      );
      const conn = await connect(withBulk(v4.settings, options.mysqlBulk));
      try {
        const { loads, steal } = await measureNativeLoads(v4, conn, loadOrder, dir, async () => {
          figure.settleSeconds += await settleServer(v4);
        });
        figure.steal.native = steal;
        loads.sort((a, b) => chosen.findIndex((t) => t.table === a.table) - chosen.findIndex((t) => t.table === b.table));
        for (const load of loads) {
          const ours = chosen.find((t) => t.table === load.table)!;
          if (load.rows !== ours.rows) throw new Error(`${load.table}: the twin holds ${load.rows} rows, the import wrote ${ours.rows}`);
          figure.ratio.tables.push(
            ratioFigure(
              load.table,
              load.rows,
              importEnds.get(load.table)!.ms / 1000,
              load.insertRowsSeconds,
              load.nativeSeconds,
              load.method,
            ),
          );
        }
        if (figure.ratio.tables.length > 0) {
          const sum = (pick: (r: RatioFigure) => number) => figure.ratio.tables.reduce((s, r) => s + pick(r), 0);
          const {
            table: _t,
            nativeMethod: _m,
            ...total
          } = ratioFigure(
            'all',
            sum((r) => r.rows),
            sum((r) => r.oursSeconds),
            sum((r) => r.insertRowsSeconds),
            sum((r) => r.nativeSeconds),
            '',
          );
          figure.ratio.total = total;
          const importSeconds = importStep ? importStep.ms / 1000 : 0;
          if (importSeconds > 0 && total.nativeSeconds > 0) {
            figure.ratio.wholeImport = {
              importSeconds: round(importSeconds),
              nativeSeconds: round(total.nativeSeconds),
              slowdown: round(importSeconds / total.nativeSeconds, 1),
            };
          }
          figure.ratio.rounds.push(
            ratioRound(1, total.oursSeconds, total.nativeSeconds, measured, { run: figure.steal.run, native: steal }),
          );
          for (let r = 2; r <= options.rounds; r += 1) {
            figure.ratio.rounds.push(
              await repeatedRound(r, {
                pair,
                target,
                options,
                v3,
                dumpPath,
                dir,
                tables: loadOrder,
                rows: new Map(chosen.map((t) => [t.table, t.rows])),
                settle: async (db) => {
                  figure.settleSeconds += await settleServer(db);
                },
              }),
            );
          }
          figure.ratio.median = {
            ratio: round(median(figure.ratio.rounds.map((r) => r.ratio))),
            verifyOverImport: figure.ratio.rounds.every((r) => r.verifyOverImport !== null)
              ? round(median(figure.ratio.rounds.map((r) => r.verifyOverImport ?? 0)))
              : null,
          };
        }
      } catch (error) {
        figure.ratio.error = (error as Error).message;
      } finally {
        await conn.close();
      }
    }
  } catch (error) {
    figure.ok = false;
    figure.error = (error as Error)?.message ?? String(error);
  } finally {
    for (const db of databases.reverse())
      await db.drop().catch((error: unknown) => options.log(`${pair}: could not drop ${db.name}: ${(error as Error).message}`));
    cleanups.delete(removeDir);
    removeDir();
  }
  return figure;
}

function stepSeconds(summary: RunSummary, type: string): number | null {
  const step = summary.steps.find((st) => st.type === type);
  return step ? step.ms / 1000 : null;
}

function ratioRound(n: number, oursSeconds: number, nativeSeconds: number, run: RunMeasurement, steal: RatioRound['steal']): RatioRound {
  const importSeconds = stepSeconds(run.summary, 'import') ?? 0;
  const verifySeconds = stepSeconds(run.summary, 'verify');
  return {
    round: n,
    oursSeconds: round(oursSeconds, 3),
    nativeSeconds: round(nativeSeconds, 3),
    ratio: oursSeconds > 0 ? round(nativeSeconds / oursSeconds) : 0,
    runSeconds: round(run.seconds),
    importSeconds: round(importSeconds),
    verifySeconds: verifySeconds === null ? null : round(verifySeconds),
    verifyOverImport: verifySeconds === null || importSeconds === 0 ? null : round(verifySeconds / importSeconds),
    steal,
  };
}

/**
 * A later ratio round: the same plan run again (the same v3 database, a fresh Pod 4.0.3 target, a process of its own;
 * its export writes the same dump again), then the native loads of the same files into twins of that target's tables.
 */
async function repeatedRound(
  n: number,
  context: {
    pair: string;
    target: DialectName;
    options: PairOptions;
    v3: BenchDatabase;
    dumpPath: string;
    dir: string;
    tables: string[];
    rows: Map<string, number>;
    settle: (db: BenchDatabase) => Promise<void>;
  },
): Promise<RatioRound> {
  const { pair, target, options } = context;
  options.log(`${pair}: round ${n} of ${options.rounds}: the plan run again into a fresh Pod 4.0.3, then the native loads`);
  const v4 = await createPodDatabase(target, '4.0.3', 'createdb', `v4${target}r${n}`);
  try {
    await context.settle(context.v3);
    await context.settle(v4);
    const endRunSteal = measureSteal();
    const measured = await measuredRunInChild({
      planPath: options.planPath,
      source: context.v3.settings,
      target: withBulk(v4.settings, options.mysqlBulk),
      dumpPath: context.dumpPath,
    });
    const runSteal = endRunSteal();
    if (!measured.summary.ok) throw new Error(`round ${n}: ${measured.summary.error ?? 'the run failed'}`);
    const ends = new Map(measured.tableEnds.filter((t) => t.step === 'import').map((t) => [t.table, t.ms]));
    const conn = await connect(withBulk(v4.settings, options.mysqlBulk));
    try {
      const { loads, steal } = await measureNativeLoads(v4, conn, context.tables, context.dir, () => context.settle(v4), {
        files: 'reuse',
        insertRows: false,
      });
      let ours = 0;
      let native = 0;
      for (const load of loads) {
        const ms = ends.get(load.table);
        if (load.rows !== context.rows.get(load.table) || ms === undefined) {
          throw new Error(`round ${n}: ${load.table}: the twin holds ${load.rows} rows, the import wrote ${context.rows.get(load.table)}`);
        }
        ours += ms / 1000;
        native += load.nativeSeconds;
      }
      return ratioRound(n, ours, native, measured, { run: runSteal, native: steal });
    } finally {
      await conn.close();
    }
  } finally {
    await v4.drop().catch((error: unknown) => options.log(`${pair}: could not drop ${v4.name}: ${(error as Error).message}`));
  }
}

function ratioFigure(table: string, rows: number, ours: number, insertRows: number, native: number, method: string): RatioFigure {
  const oursRate = rate(rows, ours);
  const insertRate = rate(rows, insertRows);
  const nativeRate = rate(rows, native);
  return {
    table,
    rows,
    oursSeconds: round(ours, 3),
    oursRowsPerSecond: oursRate,
    insertRowsSeconds: round(insertRows, 3),
    insertRowsRowsPerSecond: insertRate,
    nativeSeconds: round(native, 3),
    nativeRowsPerSecond: nativeRate,
    nativeMethod: method,
    ratio: nativeRate > 0 ? round(oursRate / nativeRate) : 0,
    insertRowsRatio: nativeRate > 0 ? round(insertRate / nativeRate) : 0,
  };
}
