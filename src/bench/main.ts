#!/usr/bin/env node
/**
 * `npm run bench [-- --videos N[,N…] (default 5,000)] [--pairs mysql:postgres,…] [--only rows|tags] [--rounds N] [--busy] [--tag-videos N] [--mysql-bulk insert|load-data] [--no-pgloader]`
 *
 * Figures, not tests: nothing here asserts on time. Prints readable tables and writes the same figures as JSON to
 * .bench/results-<date>.json. Servers: POD_MIGRATE_BENCH_MYSQL / POD_MIGRATE_BENCH_POSTGRES (else the test servers'
 * POD_MIGRATE_TEST_* variables, else mysql://root@127.0.0.1:3306/mysql and postgres://postgres@127.0.0.1:5432/postgres).
 * Every database it creates (pm_bench_*) is dropped at the end, also on error or Ctrl-C.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { DialectName } from '../dialects/dialect';
import { loadPlan } from '../plan';
import { dropAll, serverVersion } from './databases';
import { int, round, table } from './measure';
import { benchPair, type PairFigure } from './migration';
import { pgloaderVersion } from './pgloader';
import { describeSteal, STEAL_WARNING, stealShare } from './steal';
import { benchTags, type TagFigure } from './tags';

const DEFAULT_PAIRS = 'mysql:mysql,postgres:postgres,mysql:postgres,postgres:mysql';

/** Pod's own importer on such a machine (notes: pod-scripts-measured.md): a reference, not measured by this run. */
const POD_IMPORTER_ROWS_PER_SECOND = 1900;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer ≥ 1');
  return n;
}

function positiveInts(value: string): number[] {
  return value.split(',').map((v) => positiveInt(v.trim()));
}

/**
 * The flatness: for each pair run at several sizes, the largest site's peak RSS over the smallest's (its
 * target: within 15 %, i.e. at most 1.15×).
 */
function printFlatness(out: (text?: string) => void, figures: PairFigure[]): void {
  for (const pair of new Set(figures.map((f) => f.pair))) {
    const runs = figures.filter((f) => f.pair === pair && f.ok).sort((a, b) => a.videos - b.videos);
    if (runs.length < 2 || runs[0].videos === runs[runs.length - 1].videos) continue;
    const [small, large] = [runs[0], runs[runs.length - 1]];
    out(
      `flatness, ${pair}: peak RSS ${large.run.peakRssMb.toFixed(1)} MB at ${int(large.videos)} videos ÷ ${small.run.peakRssMb.toFixed(1)} MB at ` +
        `${int(small.videos)} = ${(large.run.peakRssMb / small.run.peakRssMb).toFixed(3)}× (the target: at most 1.15×)`,
    );
  }
}

function dialectOf(name: string): DialectName {
  const d = name.trim().toLowerCase();
  if (d === 'mysql' || d === 'mariadb') return 'mysql';
  if (d === 'postgres' || d === 'postgresql' || d === 'pg') return 'postgres';
  throw new InvalidArgumentError(`unknown dialect "${name}" (mysql or postgres)`);
}

function pairsOf(value: string): Array<[DialectName, DialectName]> {
  return value.split(',').map((p) => {
    const [s, t] = p.split(/[:>]/);
    if (!s || !t) throw new InvalidArgumentError(`"${p}": expected source:target, e.g. mysql:postgres`);
    return [dialectOf(s), dialectOf(t)];
  });
}

function planPath(): string {
  return resolve(__dirname, '..', '..', 'plans', 'v3-to-v4.yaml');
}

function s(seconds: number): string {
  return `${seconds.toFixed(2)} s`;
}

function printPair(out: (text?: string) => void, f: PairFigure): void {
  out(
    `── ${f.pair}: ${int(f.videos)} videos (seed: ${int(f.seed.rows)} rows in ${f.seed.tables} tables; servers settled ${s(f.settleSeconds)}; load average ${f.loadAverage.toFixed(2)} after) ${'─'.repeat(12)}`,
  );
  if (f.steps.length > 0) {
    out(
      table([
        ['step', 'rows', 'seconds', 'rows/s', 'peak RSS'],
        ...f.steps.map((st) => [st.step, st.rows, s(st.seconds), st.rowsPerSecond, `${st.peakRssMb.toFixed(1)} MB`]),
        ['whole run', '', s(f.run.seconds), '', `${f.run.peakRssMb.toFixed(1)} MB`],
      ]),
    );
    out(`dump ${f.dumpMb.toFixed(1)} MB; RSS before the run ${f.run.rssBeforeMb.toFixed(1)} MB`);
  }
  if (!f.ok) out(`FAILED: ${f.error}`);
  const stolen = [describeSteal('plan run', f.steal.run), describeSteal('native loads', f.steal.native)];
  if (f.pgloader) stolen.push(describeSteal('pgloader', f.steal.pgloader));
  out(`hypervisor steal (CPU the host gave to other guests): ${stolen.join('; ')}`);
  const pgl = f.pgloader;
  if (pgl) {
    out(
      pgl.error
        ? `pgloader (${pgl.version}): ${pgl.error}`
        : `pgloader (${pgl.version}) plain copy of the same v3 database (no v3→v4 transform, no tags, no verify): ${s(pgl.seconds)}, ` +
            `${pgl.rows === null ? '?' : int(pgl.rows)} rows, peak RSS ${pgl.peakRssMb.toFixed(1)} MB — pod-migrate's whole run ${s(f.run.seconds)}: ` +
            `${(f.run.seconds / pgl.seconds).toFixed(2)}× pgloader's time`,
    );
  }
  const b = f.importBreakdown;
  if (b) {
    out(
      `import step: ${s(b.before)} before the first table (introspect, dump scan, preflight, deletes), ${s(b.streaming)} streaming the dump ` +
        `(${s(b.inTables)} inside tables), ${s(b.after)} after (merges kept, tag sets ${s(b.tagSets)}, FK check, COMMIT, sequences)`,
    );
  }
  const importStep = f.steps.find((st) => st.type === 'import');
  if (importStep)
    out(
      `import vs Pod's own importer (~${int(POD_IMPORTER_ROWS_PER_SECOND)} rows/s, measured elsewhere, see notes): ×${Math.round(importStep.rowsPerSecond / POD_IMPORTER_ROWS_PER_SECOND)}`,
    );
  if (f.ratio.tables.length > 0) {
    out('');
    out(
      `ratio to ${f.target === 'postgres' ? 'PostgreSQL' : 'MariaDB'}'s own bulk load (${f.ratio.tables[0].nativeMethod}), same rows, largest tables first:`,
    );
    const shown = f.ratio.tables.slice(0, 4);
    const rest = f.ratio.tables.length - shown.length;
    const rows = [
      ...shown,
      ...(rest > 0
        ? [
            {
              table: `(${rest} smaller tables)`,
              rows: '',
              oursRowsPerSecond: '',
              insertRowsRowsPerSecond: '',
              nativeRowsPerSecond: '',
              ratio: '',
              insertRowsRatio: '',
            },
          ]
        : []),
      ...(f.ratio.total && f.ratio.tables.length > 1 ? [{ ...f.ratio.total, table: `together (${f.ratio.tables.length} tables)` }] : []),
    ];
    out(
      table([
        ['table', 'rows', 'ours rows/s', 'insertRows rows/s', 'native rows/s', 'ours/native', 'insertRows/native'],
        ...rows.map((r) => [
          r.table,
          r.rows,
          r.oursRowsPerSecond,
          r.insertRowsRowsPerSecond,
          r.nativeRowsPerSecond,
          typeof r.ratio === 'number' ? `${r.ratio.toFixed(2)}×` : '',
          typeof r.insertRowsRatio === 'number' ? `${r.insertRowsRatio.toFixed(2)}×` : '',
        ]),
      ]),
    );
  }
  if (f.ratio.rounds.length > 1 && f.ratio.median) {
    out(
      `rounds, ours/native (each import's in-table seconds against the native loads right after it): ` +
        f.ratio.rounds.map((r) => `${r.ratio.toFixed(2)}× (${s(r.oursSeconds)} / ${s(r.nativeSeconds)})`).join(', ') +
        ` — median ${f.ratio.median.ratio.toFixed(2)}×`,
    );
    if (f.ratio.median.verifyOverImport !== null) {
      out(
        `verify ÷ import, round by round: ` +
          f.ratio.rounds
            .map((r) => `${(r.verifyOverImport ?? 0).toFixed(2)} (${s(r.verifySeconds ?? 0)} / ${s(r.importSeconds)})`)
            .join(', ') +
          ` — median ${f.ratio.median.verifyOverImport.toFixed(2)}`,
      );
    }
    out(`whole plan run, round by round: ${f.ratio.rounds.map((r) => s(r.runSeconds)).join(', ')}`);
  }
  const whole = f.ratio.wholeImport;
  if (whole && f.ratio.total) {
    out(
      `whole import step ${s(whole.importSeconds)} (deletes, merges, tags, FK check, COMMIT, sequences included) against ${s(whole.nativeSeconds)} for the ` +
        `database's own bulk load of those ${int(f.ratio.total.rows)} rows: ${whole.slowdown.toFixed(1)}× as long`,
    );
  }
  if (f.ratio.error) out(`ratio not measured: ${f.ratio.error}`);
  out('');
}

function printTags(out: (text?: string) => void, figures: TagFigure[]): void {
  if (figures.length === 0) return;
  const f0 = figures[0];
  out(
    `── tag step: ${int(f0.videos)} tagged videos × ${f0.tagsPerVideo} tags, vocabulary ${int(f0.vocabulary)} names (case / accent / slug twins) ${'─'.repeat(8)}`,
  );
  out(
    table([
      ['target', 'tag step', 'tags', 'links', 'peak RSS', 'feed (dump rows)', 'setup (video rows)', 'rollback'],
      ...figures.map((f) =>
        f.ok
          ? [
              f.dialect,
              s(f.tagStepSeconds),
              f.tags,
              f.links,
              `${f.peakRssMb.toFixed(1)} MB`,
              s(f.feedSeconds),
              s(f.setupSeconds),
              s(f.rollbackSeconds),
            ]
          : [f.dialect, 'FAILED', '', '', '', '', '', ''],
      ),
    ]),
  );
  for (const f of figures) if (!f.ok) out(`${f.dialect}: ${f.error}`);
  out('tag step = TagSetImport.write: the object-id query, the Tagulous build, the bulk insert of tags and links (target: under 10 s);');
  out('peak RSS: the bench process during that step; the transaction is rolled back afterwards (rollback not part of the step).');
  out('');
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command()
    .name('bench')
    .description('pod-migrate benchmark: migration throughput per database pair, ratio to the database bulk load, tag step at scale')
    .addOption(
      new Option(
        '--videos <n>',
        'videos seeded in v3 for the migration runs (several, comma-separated: each size in turn, and the flatness)',
      )
        .argParser(positiveInts)
        .default([5000], '5000'),
    )
    .addOption(new Option('--pairs <list>', 'source:target pairs').argParser(pairsOf).default(pairsOf(DEFAULT_PAIRS), DEFAULT_PAIRS))
    .option('--only <part>', 'rows (migration runs and ratio) or tags (tag step)')
    .addOption(
      new Option('--ratio-tables <n>', 'largest imported tables also loaded by the database bulk load: a number (0: none) or all')
        .argParser((v) => (v === 'all' ? Infinity : v === '0' ? 0 : positiveInt(v)))
        .default(Infinity, 'all'),
    )
    .option(
      '--rounds <n>',
      'rounds per pair: the plan run, then the same plan run again into a fresh target, each followed by the native loads (ours/native and verify ÷ import read on their median)',
      positiveInt,
      3,
    )
    .option('--tag-videos <n>', 'tagged videos for the tag step', positiveInt, 100_000)
    .addOption(
      new Option('--tag-dialects <list>', 'targets for the tag step')
        .argParser((v) => v.split(',').map(dialectOf))
        .default(['mysql', 'postgres'], 'mysql,postgres'),
    )
    .option(
      '--mysql-bulk <mode>',
      'MariaDB target bulk path: load-data (the default, LOAD DATA LOCAL) or insert (multi-row INSERT)',
      'load-data',
    )
    .option('--seed <n>', 'seed of the generated data', positiveInt, 1)
    .option('--busy', "a busier generated site (the seed's --busy: ~10 view-count days and ~5 tags per video, 4–12 KB encoding logs)")
    .option('--no-pgloader', 'skip pgloader as a peer (MariaDB → PostgreSQL pairs, run where it is installed)')
    .option('--out <dir>', 'folder of the JSON results', '.bench')
    .exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    return (error as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  const opts = program.opts<{
    videos: number[];
    pairs: Array<[DialectName, DialectName]>;
    only?: string;
    ratioTables: number;
    rounds: number;
    tagVideos: number;
    tagDialects: DialectName[];
    mysqlBulk: string;
    seed: number;
    busy?: boolean;
    out: string;
    pgloader: boolean;
  }>();
  if (opts.only !== undefined && opts.only !== 'rows' && opts.only !== 'tags') {
    process.stderr.write('bench: --only takes rows or tags\n');
    return 2;
  }
  if (opts.mysqlBulk !== 'insert' && opts.mysqlBulk !== 'load-data') {
    process.stderr.write('bench: --mysql-bulk takes insert or load-data\n');
    return 2;
  }
  const out = (text = '') => process.stdout.write(`${text}\n`);
  const log = (line: string) => process.stderr.write(`  … ${line}\n`);

  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\nbench: ${signal}: dropping the benchmark databases\n`);
    void dropAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const plan = await loadPlan(planPath());
  const dialects = [...new Set([...(opts.only === 'tags' ? [] : opts.pairs.flat()), ...(opts.only === 'rows' ? [] : opts.tagDialects)])];
  const servers: Record<string, string> = {};
  for (const d of dialects) servers[d] = await serverVersion(d);
  const cpus = os.cpus();
  const machine = {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? '?',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    servers,
    loadAverageAtStart: round(os.loadavg()[0]),
  };
  out(`pod-migrate bench — ${new Date().toISOString()}`);
  out(`machine: ${machine.cpus} CPU (${machine.cpuModel}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}`);
  for (const [d, v] of Object.entries(servers)) out(`${d === 'mysql' ? 'MariaDB/MySQL' : 'PostgreSQL'}: ${v}`);
  const load = machine.loadAverageAtStart;
  out(
    `load average (1 min) at the start: ${load.toFixed(2)}${load > 1 ? ' — the machine was busy just before: on a small machine the figures will be lower and noisier' : ''}`,
  );
  out('');

  const pairs: PairFigure[] = [];
  const tags: TagFigure[] = [];
  try {
    if (opts.only !== 'tags') {
      out(`Migration: the real plan run (plans/v3-to-v4.yaml: export → import → verify) on a seeded Pod 3.8.4, into a fresh Pod 4.0.3.`);
      out(`rows/s = rows of the step ÷ its wall time (export: rows written to the dump; import: rows written, tag links included;`);
      out(`verify: source rows compared, each read from both databases). Each plan run happens in a fresh Node process (only`);
      out(`runPlan in it, as in \`pod-migrate plan run\`): peak RSS is that process's, sampled every 50 ms and from the kernel's maxRSS.`);
      out(`ours = the import step's time for that table (dump rows parsed, converted, bulk-inserted); insertRows = the dialect's`);
      out(`bulk path alone (same rows from memory, 5,000 per call, one transaction); native = the database's own bulk load of the`);
      out(`same rows from files (PostgreSQL COPY FROM STDIN, MariaDB LOAD DATA LOCAL INFILE), each into an empty twin table`);
      out(`with the same indexes and no foreign keys, one table after another on one connection, as the database's own tools`);
      out(`load a whole set. ours/native 0.50× = half the database's own bulk-load speed. Tables compared: every non-empty`);
      out(`table the import replaced (not the merge tables, not the Tagulous tables). Before the plan run, before pgloader and`);
      out(`before the native loads, the servers are let write out what earlier work left in memory (untimed). steal = CPU time`);
      out(`the hypervisor gave other guests during a timed phase (/proc/stat), as a share of this machine's CPU time; a phase`);
      out(`over ${Math.round(STEAL_WARNING * 100)} % is marked SKEWED: its figures measure the host, not the code.`);
      if (opts.rounds > 1) {
        out(`Rounds: the plan run is round 1; ${opts.rounds - 1} more run the same plan again (same v3 database, a fresh Pod 4.0.3,`);
        out(`a process of its own), each followed by the native loads again: ours/native and verify ÷ import are taken per round`);
        out(`(each import paired with the loads right after it) and read on their median, because one import against one load`);
        out(`moves with the host (±25 % from run to run on a 2-CPU machine). The per-step and per-table figures are round 1's.`);
      }
      if (opts.mysqlBulk !== 'load-data') out(`MariaDB targets use bulk=${opts.mysqlBulk}.`);
      if (opts.busy) out('Generated data: a busy site (seed --busy: ~10 view-count days and ~5 tags per video, 4–12 KB encoding logs).');
      out('');
      for (const [videos, source, target] of opts.videos.flatMap((v) => opts.pairs.map(([a, b]) => [v, a, b] as const))) {
        const figure = await benchPair(plan, source, target, {
          videos,
          seed: opts.seed,
          busy: opts.busy ?? false,
          ratioTables: opts.ratioTables,
          rounds: opts.rounds,
          mysqlBulk: opts.mysqlBulk as 'insert' | 'load-data',
          planPath: planPath(),
          pgloader: opts.pgloader ? pgloaderVersion() : null,
          log,
        });
        figure.loadAverage = os.loadavg()[0];
        pairs.push(figure);
        printPair(out, figure);
      }
      if (pairs.length > 1) {
        out(`── summary: ${opts.videos.map(int).join(', ')} videos ${'─'.repeat(40)}`);
        out(
          table([
            [
              'pair',
              'rows',
              'export',
              'import',
              'verify',
              'whole run',
              'import rows/s',
              'peak RSS',
              'RSS before',
              'dump',
              opts.rounds > 1 ? 'ours/native (median)' : 'ours/native',
              'import time ÷ native',
              opts.rounds > 1 ? 'verify ÷ import (median)' : 'verify ÷ import',
              'steal run/native',
              'load avg',
            ],
            ...pairs.map((f) => {
              const step = (type: string) => f.steps.find((st) => st.type === type);
              return [
                (opts.videos.length > 1 ? `${f.pair} ${int(f.videos)}` : f.pair) + (f.ok ? '' : ' (FAILED)'),
                step('import')?.rows ?? 0,
                s(step('export')?.seconds ?? 0),
                s(step('import')?.seconds ?? 0),
                s(step('verify')?.seconds ?? 0),
                s(f.run.seconds),
                step('import')?.rowsPerSecond ?? 0,
                `${f.run.peakRssMb.toFixed(1)} MB`,
                `${f.run.rssBeforeMb.toFixed(1)} MB`,
                `${f.dumpMb.toFixed(1)} MB`,
                f.ratio.median
                  ? `${f.ratio.median.ratio.toFixed(2)}×`
                  : f.ratio.total
                    ? `${f.ratio.total.ratio.toFixed(2)}×`
                    : f.ratio.tables[0]
                      ? `${f.ratio.tables[0].ratio.toFixed(2)}×`
                      : '–',
                f.ratio.wholeImport ? `${f.ratio.wholeImport.slowdown.toFixed(1)}×` : '–',
                f.ratio.median?.verifyOverImport != null
                  ? `${f.ratio.median.verifyOverImport.toFixed(2)}×`
                  : step('import')?.seconds
                    ? `${((step('verify')?.seconds ?? 0) / step('import')!.seconds).toFixed(2)}×`
                    : '–',
                `${stealShare(f.steal.run)}/${stealShare(f.steal.native)}`,
                f.loadAverage.toFixed(2),
              ];
            }),
          ]),
        );
        out('');
      }
      if (opts.videos.length > 1) {
        printFlatness(out, pairs);
        out('');
      }
    }
    if (opts.only !== 'rows') {
      for (const dialect of opts.tagDialects) {
        tags.push(await benchTags(plan, dialect, { videos: opts.tagVideos, tagsPerVideo: 5, vocabulary: 20_000, log }));
      }
      printTags(out, tags);
    }
  } finally {
    await dropAll();
  }

  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  const dir = resolve(process.cwd(), opts.out);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `results-${stamp}.json`);
  const options = {
    ...opts,
    pairs: opts.pairs.map(([a, b]) => `${a}:${b}`),
    ratioTables: Number.isFinite(opts.ratioTables) ? opts.ratioTables : 'all',
  };
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, options, podImporterReferenceRowsPerSecond: POD_IMPORTER_ROWS_PER_SECOND, pairs, tags }, null, 2)}\n`,
  );
  out(`load average (1 min) at the end: ${os.loadavg()[0].toFixed(2)}`);
  out(`JSON: ${file}`);
  const failed = pairs.some((f) => !f.ok) || tags.some((f) => !f.ok);
  return failed ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    async (error: unknown) => {
      process.stderr.write(`bench: ${(error as Error)?.stack ?? error}\n`);
      await dropAll();
      process.exitCode = 1;
    },
  );
}
