/**
 * `pod-migrate demo`, end to end: the built CLI in a child process (PGlite's WASM loader needs a real dynamic
 * import, which jest's module loader refuses), two embedded PostgreSQL, the real plan, verify. No database server
 * is used or touched.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../../src/plan';
import { CLI, ROOT, ensureBuiltCli } from '../helpers/built-cli';

function runCli(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
}

describe('pod-migrate demo', () => {
  let dir: string;

  beforeAll(() => {
    ensureBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'pod-migrate-demo-test-'));
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('migrates a small seeded v3 database into v4 on embedded PostgreSQL: verify passes, reminders shown, databases kept', async () => {
    const keep = join(dir, 'kept');
    const run = runCli(['demo', '--videos', '10', '--seed', '3', '--keep', keep]);
    if (run.code !== 0) throw new Error(`demo exited ${run.code}:\n${run.output}`);

    expect(run.stdout).toContain('Run of plan pod-3.8-to-4.0: OK');
    expect(run.stdout).toMatch(/^ {2}verify: PASSED — \d+ ok, 0 lossy \(named above\), 0 differ, 0 missing$/m);
    // The end summary's reminders, as the plan states them.
    const plan = await loadPlan(join(ROOT, 'plans', 'v3-to-v4.yaml'));
    const reminders = plan.steps.flatMap((s) => (s.type === 'reminder' ? [s.text] : []));
    expect(reminders.length).toBe(4);
    expect(run.stdout).toContain('Still to do by hand:');
    for (const text of reminders) expect(run.stdout).toContain(text);
    // What a user looks at: tags rebuilt, read back from v4.
    expect(run.stdout).toMatch(/Tagulous video tags rebuilt from django-tagging: [1-9]\d* tags, [1-9]\d* links/);
    expect(run.stdout).toContain('"machine learning" → slug machine-learning');
    expect(run.stdout).toMatch(/Slug collision resolved as Tagulous does: .*→ \S+_1\b/);
    expect(run.stdout).toMatch(/Orphan tagged items left out[\s\S]*tagged item\(s\) of video_video point at deleted objects/);
    expect(run.stdout).toContain('pod-migrate plan run plans/v3-to-v4.yaml --source mysql://');
    expect(run.stdout).toMatch(/--target postgres:\/\/\S+ --dry$/m);
    // The real progress of plan run, on stderr.
    expect(run.stderr).toContain('▶ export (export)');
    expect(run.stderr).toContain('✓ verify: done');

    // --keep: both PGlite data folders and the dump stay, and are not overwritten by a second demo.
    expect(readdirSync(join(keep, 'v3'))).toContain('PG_VERSION');
    expect(readdirSync(join(keep, 'v4'))).toContain('PG_VERSION');
    expect(statSync(join(keep, 'v3_exported_tables.json')).size).toBeGreaterThan(1000);
    const again = runCli(['demo', '--videos', '10', '--keep', keep]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/is not empty/);
  }, 240_000);

  test('refuses a bad --videos with exit code 2', () => {
    const run = runCli(['demo', '--videos', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--videos must be an integer');
  });
});
