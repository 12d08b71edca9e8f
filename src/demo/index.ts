/**
 * `pod-migrate demo`: a complete Pod 3.8.4 → Pod 4.0.3 migration on a machine without any database server.
 * Two embedded PostgreSQL instances (PGlite) stand in for the v3 and v4 servers; everything else is the real
 * thing: Pod's own schemas, the seed generator through a `postgres://` connection, `runPlan` with the shipped
 * plan, the terminal progress and the end summary. Then a few things worth looking at, read from the v4 database.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from '../dialects';
import { parseConnectionUrl } from '../dialects/url';
import { CollectingReporter } from '../engine/reporter';
import { runPlan } from '../engine/run';
import { formatSummary, type RunSummary } from '../engine/summary';
import { PodMigrateError } from '../errors';
import { onInterrupt } from '../interrupt';
import { loadPlan } from '../plan';
import { seedDatabase } from '../seed/write';
import type { Output } from '../cli/terminal-reporter';
import { TerminalReporter } from '../cli/terminal-reporter';
import { isEmptyOrMissing, startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { loadPodSchema } from '../fixtures/pod-schemas';

export interface DemoOptions {
  /** The plan to run (the shipped plans/v3-to-v4.yaml). */
  planPath: string;
  videos: number;
  seed: number;
  /** Keep both databases (DIR/v3, DIR/v4) and the dump (DIR/v3_exported_tables.json) instead of a temporary folder. */
  keep?: string;
  verbose?: boolean;
}

export interface DemoIo {
  stdout: Output;
  stderr: Output;
  cwd: string;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs the demo; resolves to the exit code (0: migrated and verified, 1: the run or verify failed). */
export async function runDemo(options: DemoOptions, io: DemoIo): Promise<number> {
  const print = (text = '') => io.stdout.write(`${text}\n`);
  const note = (text: string) => io.stderr.write(`${text}\n`);
  const started = Date.now();
  const timings: Array<[string, number]> = [];
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await work();
    } finally {
      timings.push([label, Date.now() - t]);
    }
  };

  const keep = options.keep ? resolve(io.cwd, options.keep) : undefined;
  if (keep) {
    for (const sub of ['v3', 'v4']) {
      if (!isEmptyOrMissing(join(keep, sub))) {
        throw new PodMigrateError('USAGE', `--keep ${options.keep}: ${join(keep, sub)} is not empty (choose a new folder, or remove it)`);
      }
    }
    mkdirSync(keep, { recursive: true });
  }
  const plan = await loadPlan(options.planPath);
  const workDir = keep ?? mkdtempSync(join(tmpdir(), 'pod-migrate-demo-'));
  // Ctrl-C: the temporary folder goes too (a --keep folder is the user's, and stays).
  const forgetWorkDir = keep ? () => undefined : onInterrupt(() => rmSync(workDir, { recursive: true, force: true }));
  const dumpPath = join(workDir, 'v3_exported_tables.json');

  note(
    `pod-migrate demo: Pod 3.8.4 → Pod 4.0.3 on two embedded PostgreSQL instances (PGlite), ${options.videos} videos, seed ${options.seed}`,
  );
  const servers: EmbeddedPostgres[] = [];
  const keepServer = (server: EmbeddedPostgres): EmbeddedPostgres => {
    servers.push(server);
    return server;
  };
  let summary: RunSummary | undefined;
  let highlights: string[] = [];
  let verifyLine: string | undefined;
  try {
    const [v3, v4] = await timed('start two embedded PostgreSQL', () =>
      Promise.all([
        startEmbeddedPostgres({ dataDir: keep ? join(keep, 'v3') : undefined }).then(keepServer),
        startEmbeddedPostgres({ dataDir: keep ? join(keep, 'v4') : undefined }).then(keepServer),
      ]),
    );
    note(`  v3 database: ${parseConnectionUrl(v3.url).displayName}${v3.dataDir ? ` (data in ${v3.dataDir})` : ' (in memory)'}`);
    note(`  v4 database: ${parseConnectionUrl(v4.url).displayName}${v4.dataDir ? ` (data in ${v4.dataDir})` : ' (in memory)'}`);

    await timed("load Pod's schemas", async () => {
      await loadPodSchema({ dialect: 'postgres', exec: (sqlText) => v3.exec(sqlText) }, '3.8.4', { data: 'initial' });
      await loadPodSchema({ dialect: 'postgres', exec: (sqlText) => v4.exec(sqlText) }, '4.0.3', { data: 'createdb' });
    });
    note(`  schemas: Pod 3.8.4 (with its initial data) in v3; Pod 4.0.3 as after make createDB in v4`);

    const seeded = await timed(`seed v3 (${options.videos} videos)`, async () => {
      const conn = await connect(parseConnectionUrl(v3.url, 'v3'));
      try {
        return await seedDatabase(conn, { videos: options.videos, seed: options.seed });
      } finally {
        await conn.close();
      }
    });
    note(`  v3 seeded: ${options.videos} videos (seed ${options.seed}), ${seeded.rows} rows in ${seeded.tables} tables`);
    note('');

    const reporter = new CollectingReporter(new TerminalReporter(io.stderr, { verbose: options.verbose }));
    const outcome = await timed('plan run (export, import, verify)', () =>
      runPlan({
        plan,
        dry: false,
        createDB: false,
        onlyTags: false,
        source: parseConnectionUrl(v3.url, 'source'),
        target: parseConnectionUrl(v4.url, 'target'),
        dumpPath,
        force: false,
        reporter,
      }),
    );
    summary = outcome.summary;
    verifyLine = reporter
      .messages('info')
      .flatMap((m) => m.split('\n'))
      .find((line) => line.startsWith('verify: '));
    print(formatSummary(summary));
    if (summary.ok) highlights = await readHighlights(v4, summary);
  } finally {
    for (const server of servers)
      await server
        .stop()
        .catch((error: unknown) => note(`warning: stopping an embedded PostgreSQL: ${(error as Error)?.message ?? error}`));
    if (!keep) rmSync(workDir, { recursive: true, force: true });
    forgetWorkDir();
  }

  const ok = summary?.ok === true;
  print('');
  print('─'.repeat(72));
  if (ok) {
    print('What the migration did (read back from the v4 database):');
    for (const line of highlights) print(`  ${line}`);
  }
  print(`  ${verifyLine ?? (ok ? 'verify: (no result)' : 'verify: FAILED or not reached')}`);
  if (summary && summary.reminders.length > 0)
    print(`  Reminders: the ${summary.reminders.length} things still to do by hand are listed above (Still to do by hand).`);
  print('');
  print(`Demo timings: ${timings.map(([label, ms]) => `${label} ${seconds(ms)}`).join(', ')}; total ${seconds(Date.now() - started)}.`);
  if (keep) {
    print('');
    print(`Kept: v3 data in ${join(keep, 'v3')}, v4 data in ${join(keep, 'v4')}, the dump in ${dumpPath}. To look inside:`);
    print(`  npx pglite-server --db=${join(keep, 'v4')} --port=5433   # then: psql -h 127.0.0.1 -p 5433 -U postgres postgres`);
  }
  print('');
  print('The same against your real servers (--dry first: it touches nothing and says what each step would do):');
  print(
    '  pod-migrate plan run plans/v3-to-v4.yaml --source mysql://pod:PASSWORD@v3-db/pod --target postgres://pod:PASSWORD@v4-db/pod --dry',
  );
  print('  pod-migrate plan run plans/v3-to-v4.yaml --source mysql://pod:PASSWORD@v3-db/pod --target postgres://pod:PASSWORD@v4-db/pod');
  print('  (or POD_MIGRATE_SOURCE / POD_MIGRATE_TARGET instead of the URLs; the v4 database must be fresh from make createDB.)');
  return ok ? 0 : 1;
}

interface TagExample {
  name: string;
  slug: string;
  count: number;
}

/** Tags rebuilt, with examples worth a look; the orphan tagged items the export left out. */
async function readHighlights(v4: EmbeddedPostgres, summary: RunSummary): Promise<string[]> {
  const lines: string[] = [];
  const q = async <T>(text: string): Promise<T[]> => (await v4.db.query<T>(text)).rows;
  const imported = summary.steps.find((s) => s.type === 'import');
  if (imported) {
    const rows = imported.tables.reduce((n, t) => n + t.written, 0);
    lines.push(`${imported.tables.length} tables imported, ${rows} rows written (per table in the summary above).`);
  }
  for (const [label, tagTable, linkTable] of [
    ['video', 'video_tagulous_video_tags', 'video_video_tags'],
    ['recorder', 'recorder_tagulous_recorder_tags', 'recorder_recorder_tags'],
  ] as const) {
    const [{ tags, links }] = await q<{ tags: number; links: number }>(
      `SELECT (SELECT COUNT(*)::int FROM ${tagTable}) AS tags, (SELECT COUNT(*)::int FROM ${linkTable}) AS links`,
    );
    lines.push(`Tagulous ${label} tags rebuilt from django-tagging: ${tags} tags, ${links} links (${tagTable}, ${linkTable}).`);
  }
  const multiWord = await q<TagExample>(
    `SELECT name, slug, count FROM video_tagulous_video_tags WHERE name LIKE '% %'
     ORDER BY CASE WHEN name = 'machine learning' THEN 0 ELSE 1 END, count DESC, name LIMIT 3`,
  );
  if (multiWord.length > 0) {
    lines.push(
      `Multi-word tags kept whole (not split on spaces): ${multiWord.map((t) => `"${t.name}" → slug ${t.slug} (${t.count} video${t.count === 1 ? '' : 's'})`).join('; ')}.`,
    );
  }
  // Tagulous gives a colliding slug the first free `_N` suffix: "c++" → c, then "c" → c_1, "c#" → c_2.
  const collided = await q<{ name: string; slug: string; base: string }>(
    `SELECT t.name, t.slug, regexp_replace(t.slug, '_[0-9]+$', '') AS base
     FROM video_tagulous_video_tags t
     WHERE t.slug ~ '_[0-9]+$'
       AND EXISTS (SELECT 1 FROM video_tagulous_video_tags b WHERE b.slug = regexp_replace(t.slug, '_[0-9]+$', '') AND b.id <> t.id)
     ORDER BY t.slug`,
  );
  const bases = [...new Set(collided.map((c) => c.base))]
    .sort((a, b) => Number(!/^[a-z0-9]/.test(a)) - Number(!/^[a-z0-9]/.test(b)) || a.localeCompare(b))
    .slice(0, 2);
  for (const base of bases) {
    const [holder] = await q<{ name: string }>(`SELECT name FROM video_tagulous_video_tags WHERE slug = '${base.replace(/'/g, "''")}'`);
    const others = collided.filter((c) => c.base === base);
    const shown = [`"${holder?.name}" → ${base}`, ...others.slice(0, 3).map((c) => `"${c.name}" → ${c.slug}`)];
    lines.push(
      `Slug collision resolved as Tagulous does: ${shown.join(', ')}${others.length > 3 ? `, … (${others.length + 1} names)` : ''}.`,
    );
  }
  const orphanWarnings = summary.warnings.filter((w) => /tagged (item|object)/.test(w));
  if (orphanWarnings.length > 0) {
    lines.push('Orphan tagged items left out (their object was deleted in v3):');
    for (const w of orphanWarnings) lines.push(`  - ${w}`);
  }
  return lines;
}
