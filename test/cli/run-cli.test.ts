/**
 * `pod-migrate plan run` in-process (output captured), on a seeded v3 database and a fresh v4 one: the
 * dry run says what every step would do and writes nothing; the end summary (text or --json) names steps,
 * tables, rows and times, and the reminders in plan order; a failed step means a non-zero exit code.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunSummary } from '../../src/engine/summary';
import { DIALECTS } from '../helpers/databases';
import { cli } from '../helpers/cli';
import { PLAN_PATH, createPair, realPlan, snapshot, type MigrationPair } from '../helpers/migration';

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
    const { code, stdout, stderr } = await cli(['plan', 'run', PLAN_PATH, '--source', pair.v3.url, '--target', pair.v4.url, '--base-dir', baseDir, ...args]);
    return { code, out: stdout, err: stderr };
  };
  const dumpFiles = () => readdirSync(baseDir, { recursive: true }).map(String);

  it('--dry shows every step in order with what it would do, and writes nothing', async () => {
    const before = await Promise.all([snapshot(pair.v3), snapshot(pair.v4)]);
    const { code, out, err } = await run(['--dry']);
    expect(code).toBe(0);

    // The summary: every selected step, in plan order, with what it would do.
    const lines = out.split('\n');
    expect(lines[0]).toBe('Dry run of plan pod-3.8-to-4.0: OK');
    const stepRows = lines.slice(lines.indexOf('') + 2).filter((l) => /^\S/.test(l)).slice(0, 8);
    expect(stepRows.map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'check-owner-paths dry',
      'export dry',
      'import dry',
      'verify dry',
      'reindex-elasticsearch dry',
      'media-root dry',
      'owner-paths-files dry',
      'use-podfile dry',
    ]);
    expect(out).toMatch(/^check-owner-paths +dry +\d+\.\d\d s +found \d+, would fix them$/m);
    expect(out).toMatch(new RegExp(`^export +dry +\\d+\\.\\d\\d s +would write ${join(baseDir, 'data_from_v3_to_v4', 'v3_exported_tables.json').replace(/[.\\/]/g, '\\$&')}$`, 'm'));
    expect(out).toMatch(/^import +dry +\d+\.\d\d s +would import 13\d tables in one transaction$/m);
    expect(out).toMatch(/^verify +dry +.* would compare row counts and checksums/m);
    // Per table, rows the export would read.
    expect(out).toMatch(/^export: 13\d tables$/m);
    expect(out).toMatch(/^ {2}video_video +5 +0 +0 /m);
    expect(out).toContain('Reminders (shown at the end of a live run):');
    reminders.forEach((r, i) => expect(out).toContain(`  ${i + 1}. ${r}`));

    // The detail goes to stderr: each step starting, the problems found, the import's description.
    expect(err).toMatch(/▶ check-owner-paths \(check\)/);
    expect(err).toMatch(/\[dry\] check-owner-paths: \d+; change of owner; encoding videos\/[0-9a-f]{64}\/\S+ not in [0-9a-f]{64} folder/);
    expect(err).toMatch(/▶ import \(import\)[\s\S]*\[dry\]/);

    expect(await Promise.all([snapshot(pair.v3), snapshot(pair.v4)])).toEqual(before);
    expect(dumpFiles()).toEqual([]);
  });

  it('--dry --json prints the same summary as JSON', async () => {
    const { code, out } = await run(['--dry', '--json']);
    expect(code).toBe(0);
    const summary = JSON.parse(out) as RunSummary;
    expect(summary).toMatchObject({ plan: 'pod-3.8-to-4.0', dry: true, ok: true });
    expect(summary.steps.map((s) => s.name)).toEqual(['check-owner-paths', 'export', 'import', 'verify', 'reindex-elasticsearch', 'media-root', 'owner-paths-files', 'use-podfile']);
    expect(summary.reminders).toEqual(reminders);
    expect(dumpFiles()).toEqual([]);
  });

  it('a live run ends with the summary: steps, tables with rows read / written / skipped and times, reminders in plan order', async () => {
    const json = await run(['--json']);
    expect(json.err).not.toMatch(/^error:/m);
    expect(json.code).toBe(0);
    const summary = JSON.parse(json.out) as RunSummary;
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
    expect(imported.tables.find((t) => t.table === 'video_video')).toMatchObject({ read: 5, written: 5, skipped: 0, ms: expect.any(Number) });
    for (const step of summary.steps) expect(step.ms).toEqual(expect.any(Number));
    expect(summary.reminders).toEqual(reminders);
    // The reminders are printed by the terminal only at the end: after the last step ended.
    expect(json.err).not.toContain(reminders[0]);

    // Text: the same account, "still to do by hand" in plan order, at the very end.
    // The target is migrated now, so in use: the same run again needs --overwrite.
    const text = await run(['--overwrite']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^Run of plan pod-3.8-to-4.0: OK$/m);
    expect(text.out).toMatch(/^check-owner-paths +done +\d+\.\d\d s +nothing found$/m);
    expect(text.out).toMatch(/^import: 13\d tables\n {2}table +read +written +skipped +time$/m);
    expect(text.out).toMatch(/^ {2}video_video +5 +5 +0 +\d+\.\d\d s$/m);
    const todo = text.out.slice(text.out.indexOf('Still to do by hand:'));
    expect(todo.trimEnd().split('\n').slice(1)).toEqual(reminders.map((r, i) => `  ${i + 1}. ${r}`));
  });

  it('a failed step gives a non-zero exit code, with the summary and the error', async () => {
    // Source and target swapped: refused before the first step.
    const swapped = await cli(['plan', 'run', PLAN_PATH, '--source', pair.v4.url, '--target', pair.v3.url, '--base-dir', baseDir]);
    expect(swapped.code).toBe(1);
    expect(swapped.stdout).toMatch(/^Run of plan pod-3.8-to-4.0: FAILED$/m);
    expect(swapped.stdout).toMatch(/^Error: --source and --target are swapped/m);
    expect(swapped.stderr).toMatch(/^error: --source and --target are swapped/m);

    // A fork whose command step fails: exit 1, the summary names the failed step and its exit code.
    const fork = join(baseDir, 'fork.yaml');
    writeFileSync(
      fork,
      [
        'version: 1',
        'name: failing-fork',
        `extends: ${JSON.stringify(PLAN_PATH)}`,
        'steps:',
        '  - { name: site-hook, type: command, run: "echo hook; exit 4", before: export }',
      ].join('\n'),
    );
    const before = await snapshot(pair.v4);
    const failed = await cli(['plan', 'run', fork, '--source', pair.v3.url, '--target', pair.v4.url, '--dump', join(baseDir, 'fork-dump.json'), '--overwrite']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^site-hook +failed /m);
    expect(failed.stdout).toMatch(/^Error: step site-hook: `echo hook; exit 4` exited with code 4/m);
    expect(failed.stdout).toMatch(/^export +not run$/m);
    expect(failed.stdout).toMatch(/^verify +not run$/m);
    expect(failed.stderr).toContain('  | hook');
    expect(await snapshot(pair.v4)).toEqual(before);
    rmSync(fork);

    // --json too: the JSON summary, and the exit code.
    const viaJson = await cli(['plan', 'run', PLAN_PATH, '--source', pair.v4.url, '--target', pair.v3.url, '--base-dir', baseDir, '--json']);
    expect(viaJson.code).toBe(1);
    expect(JSON.parse(viaJson.stdout)).toMatchObject({ ok: false, error: expect.stringMatching(/swapped/) });
  });

  it('lists the tables the plan skips, with why, among the reminders', async () => {
    const fork = join(baseDir, 'skip-fork.yaml');
    writeFileSync(
      fork,
      ['version: 1', 'name: skipping-fork', `extends: ${JSON.stringify(PLAN_PATH)}`, 'tables:', '  - { name: video_vote, strategy: skip, why: "votes are not kept in v4 here" }'].join('\n'),
    );
    const { code, stdout } = await cli(['plan', 'run', fork, '--source', pair.v3.url, '--target', pair.v4.url, '--dump', join(baseDir, 'skip-dump.json'), '--dry', '--json', '--overwrite']);
    rmSync(fork);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as RunSummary;
    expect(summary.reminders).toEqual([...reminders, 'skipped by the plan: video_vote (votes are not kept in v4 here)']);
  });
});
