/**
 * `pod-migrate plan run` in-process (output captured), on a seeded v3 database and a fresh v4 one: the
 * dry run says what every step would do and writes nothing; the console is one line per step, the findings,
 * the things to do by hand and a verdict as the last line (a screenful); --json names steps, tables, rows
 * and times, and the reminders in plan order; a failed step means a non-zero exit code and its error once.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunDocument } from '../../src/cli/output/document';
import type { RunSummary } from '../../src/engine/summary';
import { DIALECTS } from '../helpers/databases';
import { cli } from '../helpers/cli';
import { PLAN_PATH, createPair, realPlan, snapshot, writePlanFork, type MigrationPair } from '../helpers/migration';

describe.each(DIALECTS)('plan run through the CLI, %s → same', (dialect) => {
  let pair: MigrationPair;
  let baseDir: string;
  let reminders: string[];

  beforeAll(async () => {
    pair = await createPair(dialect, dialect, { videos: 5, seed: 5, staleOwnerPaths: true });
    baseDir = mkdtempSync(join(tmpdir(), 'pod-migrate-cli-'));
    reminders = (await realPlan()).steps.flatMap((s) => (s.type === 'reminder' ? [s.text] : []));
  });
  afterAll(async () => {
    await pair?.cleanup();
    if (baseDir) rmSync(baseDir, { recursive: true, force: true });
  });

  const run = async (args: string[]) => {
    const { code, stdout, stderr } = await cli([
      'plan',
      'run',
      PLAN_PATH,
      '--source',
      pair.v3.url,
      '--target',
      pair.v4.url,
      '--base-dir',
      baseDir,
      ...args,
    ]);
    return { code, out: stdout, err: stderr };
  };
  const dumpFiles = () => readdirSync(baseDir, { recursive: true }).map(String);

  it('--dry shows every step in order with what it would do, and writes nothing', async () => {
    const before = await Promise.all([snapshot(pair.v3), snapshot(pair.v4)]);
    const { code, out, err } = await run(['--dry']);
    expect(code).toBe(0);

    // One line per step as it ends (stderr), in plan order, with what it would do; reminders only at the end.
    expect(err.split('\n')[0]).toBe(`plan: ${PLAN_PATH} (pod-3.8-to-4.0)`);
    const stepRows = err.split('\n').filter((l) => /^✓ [a-z-]+ +\d/.test(l));
    expect(stepRows.map((l) => l.split(/\s+/)[1])).toEqual(['check-owner-paths', 'export', 'import', 'verify']);
    expect(err).toMatch(/^✓ check-owner-paths +[\dhm.]+s +found \d+, would fix them$/m);
    expect(err).toMatch(
      new RegExp(
        `^✓ export +[\\dhm.]+s +13\\d tables, [\\d,]+ rows · would write ${join(baseDir, 'data_from_v3_to_v4', 'v3_exported_tables.json').replace(/[.\\/]/g, '\\$&')}$`,
        'm',
      ),
    );
    expect(err).toMatch(/^✓ import +[\dhm.]+s +13\d tables, [\d,]+ rows · would import 13\d tables in one transaction$/m);
    expect(err).toMatch(/^✓ verify +.* would compare row counts and checksums/m);
    // The findings are the dry run's answer: always shown, with the rows they name.
    expect(out).toMatch(
      /^Findings:\n {2}check-owner-paths: check source database \(check-owner-paths\): \d+, would fix\n {6}\d+; change of owner; encoding videos\/[0-9a-f]{64}\/\S+ not in [0-9a-f]{64} folder$/m,
    );
    expect(out).toContain('To do by hand, after the live run:');
    for (const [i, r] of reminders.entries()) expect(out).toContain(`  ${i + 1}. ${r}`);
    // A screenful: no per-table table, no [dry] detail without -v; the verdict last.
    expect(`${err}${out}`.trimEnd().split('\n').length).toBeLessThanOrEqual(30);
    expect(out.trimEnd().split('\n').pop()).toMatch(
      /^DRY RUN OK — [\d,]+ rows in 13\d tables would be migrated, nothing written, 1 finding, (\d+ warnings?, )?4 things to do by hand, [\dhm.]+s$/,
    );
    expect(err).not.toContain('[dry]');

    // -v: the detail: each step starting, the import's description, the tables.
    const verbose = await run(['--dry', '-v']);
    expect(verbose.err).toMatch(/▶ check-owner-paths \(check\)/);
    expect(verbose.err).toMatch(/▶ import \(import\)[\s\S]*\[dry\]/);
    expect(verbose.out).toMatch(/^export: 13\d tables$/m);
    expect(verbose.out).toMatch(/^ {2}video_video +5 +0 +0 /m);

    expect(await Promise.all([snapshot(pair.v3), snapshot(pair.v4)])).toEqual(before);
    expect(dumpFiles()).toEqual([]);
  });

  it('--dry --json prints the same summary as JSON', async () => {
    const { code, out } = await run(['--dry', '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(out) as RunDocument;
    expect(summary).toMatchObject({
      plan: { name: 'pod-3.8-to-4.0', file: PLAN_PATH, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      dry: true,
      ok: true,
    });
    expect(summary.steps!.map((s) => s.name)).toEqual([
      'check-owner-paths',
      'export',
      'import',
      'verify',
      'reindex-elasticsearch',
      'media-root',
      'owner-paths-files',
      'use-podfile',
    ]);
    expect(summary.reminders).toEqual(reminders);
    expect(dumpFiles()).toEqual([]);
  });

  it('a live run ends with the summary: steps, tables with rows read / written / skipped and times, reminders in plan order', async () => {
    const json = await run(['--json']);
    expect(json.err).not.toMatch(/^error:/m);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.out) as RunDocument & RunSummary;
    expect(summary.ok).toBe(true);
    expect(summary.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'check-owner-paths:done',
      'export:done',
      'import:done',
      'verify:done',
      'reindex-elasticsearch:done',
      'media-root:done',
      'owner-paths-files:done',
      'use-podfile:done',
    ]);
    expect(summary.steps[0].detail).toMatch(/^found (\d+), fixed \1$/);
    const imported = summary.steps.find((s) => s.name === 'import')!;
    expect(imported.tables.find((t) => t.table === 'video_video')).toMatchObject({
      read: 5,
      written: 5,
      skipped: 0,
      ms: expect.any(Number),
    });
    for (const step of summary.steps) expect(step.ms).toEqual(expect.any(Number));
    // The verify step carries its verdict per table.
    const verified = summary.steps.find((s) => s.name === 'verify')!.verify!;
    expect(verified.length).toBeGreaterThan(130);
    expect(verified.find((v) => v.table === 'video_video')).toMatchObject({ status: 'ok', sourceRows: 5, targetRows: 5 });
    expect(summary.reminders).toEqual(reminders);
    // The reminders are printed by the terminal only at the end: after the last step ended.
    expect(json.err).not.toContain(reminders[0]);

    // Text: a screenful — one line per step, the things to do by hand, the verdict as the last line.
    // The target is migrated now, so in use: the same run again needs --overwrite.
    const text = await run(['--overwrite']);
    expect(text.code).toBe(0);
    expect(text.err).toMatch(/^✓ check-owner-paths +[\dhm.]+s +nothing found$/m);
    expect(text.err).toMatch(/^✓ import +[\dhm.]+s +13\d tables, [\d,]+ rows · video: \d+ tags, \d+ links/m);
    expect(`${text.err}${text.out}`.trimEnd().split('\n').length).toBeLessThanOrEqual(30);
    const lines = text.out.trimEnd().split('\n');
    expect(lines.pop()).toMatch(
      /^OK — [\d,]+ rows in 13\d tables, verify passed \(0 differ\), (\d+ warnings?, )?4 things to do by hand, [\dhm.]+s$/,
    );
    const todo = lines.slice(lines.indexOf('To do by hand:'), -1);
    expect(todo.slice(1)).toEqual(reminders.map((r, i) => `  ${i + 1}. ${r}`));
    // -v adds the per-table tallies.
    const verbose = await run(['-v', '--overwrite']);
    expect(verbose.out).toMatch(/^import: 13\d tables\n {2}table +read +written +skipped +time$/m);
    expect(verbose.out).toMatch(/^ {2}video_video +5 +5 +0 +[\dhm.]+s$/m);
  });

  it('a failed step gives a non-zero exit code, with the summary and the error', async () => {
    // Source and target swapped: refused before the first step.
    const swapped = await cli(['plan', 'run', PLAN_PATH, '--source', pair.v4.url, '--target', pair.v3.url, '--base-dir', baseDir]);
    expect(swapped.code).toBe(1);
    // The error once, in the verdict, the last line.
    expect(swapped.stdout.trimEnd().split('\n').pop()).toMatch(/^FAILED — version gate: --source and --target are swapped/);
    expect(`${swapped.stdout}${swapped.stderr}`.match(/are swapped/g)).toHaveLength(1);

    // A fork whose command step fails: exit 1, the summary names the failed step and its exit code.
    const fork = join(baseDir, 'fork.yaml');
    writePlanFork(fork, 'failing-fork', ['steps:', '  - { name: site-hook, type: command, run: "echo hook; exit 4", before: export }']);
    const before = await snapshot(pair.v4);
    const failed = await cli([
      'plan',
      'run',
      fork,
      '--source',
      pair.v3.url,
      '--target',
      pair.v4.url,
      '--dump',
      join(baseDir, 'fork-dump.json'),
      '--overwrite',
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^✗ site-hook +[\dhm.]+s +failed$/m);
    expect(failed.stdout).toMatch(/^Not run: export, import, verify, /m);
    expect(failed.stdout.trimEnd().split('\n').pop()).toMatch(/^FAILED — step site-hook: `echo hook; exit 4` exited with code 4/);
    expect(`${failed.stdout}${failed.stderr}`.match(/exited with code 4/g)).toHaveLength(1);
    expect(failed.stderr).toContain('  | hook');
    expect(await snapshot(pair.v4)).toEqual(before);
    rmSync(fork);

    // --json too: the JSON summary, and the exit code.
    const viaJson = await cli([
      'plan',
      'run',
      PLAN_PATH,
      '--source',
      pair.v4.url,
      '--target',
      pair.v3.url,
      '--base-dir',
      baseDir,
      '--json',
    ]);
    expect(viaJson.code).toBe(1);
    expect(JSON.parse(viaJson.stdout)).toMatchObject({
      ok: false,
      error: { code: 'VERSION_GATE', message: expect.stringMatching(/swapped/), exitCode: 1 },
    });
  });

  it('lists the tables the plan skips, with why, among the reminders', async () => {
    const fork = join(baseDir, 'skip-fork.yaml');
    writePlanFork(fork, 'skipping-fork', ['tables:', '  - { name: video_vote, strategy: skip, why: "votes are not kept in v4 here" }']);
    const { code, stdout } = await cli([
      'plan',
      'run',
      fork,
      '--source',
      pair.v3.url,
      '--target',
      pair.v4.url,
      '--dump',
      join(baseDir, 'skip-dump.json'),
      '--dry',
      '--json',
      '--overwrite',
    ]);
    rmSync(fork);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as RunSummary;
    expect(summary.reminders).toEqual([...reminders, 'skipped by the plan: video_vote (votes are not kept in v4 here)']);
  });
});
