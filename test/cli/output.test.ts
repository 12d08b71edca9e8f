/**
 * What a run prints for an administrator and for scripts: --quiet (only the verdict), --json (one document,
 * valid against schemas/run-result.schema.json, on success, failure and exit 2), --version, the plan found
 * by name from any folder, --log-file, an unknown option's one-line hint, the HTML report rendered by
 * headless Chromium, and the progress line on a pseudo-terminal (none without one).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { RunDocument } from '../../src/cli/output/document';
import { DIALECTS } from '../helpers/databases';
import { CLI, ROOT, ensureBuiltCli } from '../helpers/built-cli';
import { cli } from '../helpers/cli';
import { PLAN_PATH, createPair, realPlan, writePlanFork, type MigrationPair } from '../helpers/migration';

const schema = JSON.parse(readFileSync(join(ROOT, 'schemas', 'run-result.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(schema);
const parseDocument = (stdout: string): RunDocument => {
  const doc = JSON.parse(stdout) as RunDocument;
  const valid = validate(doc);
  expect(validate.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  return doc;
};
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('without a database', () => {
  test('--version prints the version of package.json', async () => {
    const result = await cli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(VERSION);
  });

  test('an unknown option: "did you mean" and a one-line hint to --help, not the whole help; --json gets a document', async () => {
    const result = await cli(['plan', 'run', '--forse']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: unknown option '--forse'\n(Did you mean --force?)\n(add --help for usage)\n");
    const json = await cli(['plan', 'run', '--forse', '--json']);
    expect(json.code).toBe(2);
    expect(parseDocument(json.stdout)).toMatchObject({
      ok: false,
      error: { code: 'USAGE', exitCode: 2, message: expect.stringContaining('--forse') },
    });
  });

  test('--json on exit 2: a plan that does not exist, two different plans', async () => {
    const missing = await cli(['plan', 'run', 'no-such-plan.yaml', '--json']);
    expect(missing.code).toBe(2);
    expect(parseDocument(missing.stdout)).toMatchObject({ ok: false, command: 'plan run', error: { code: 'PLAN_INVALID', exitCode: 2 } });
    const two = await cli(['plan', 'validate', 'plans/v3-to-v4.yaml', '--plan', 'plans/examples/univ-fork.yaml', '--json']);
    expect(two.code).toBe(2);
    expect(parseDocument(two.stdout).error?.message).toMatch(/two plans given/);
  });

  test('a shipped plan by name from any folder, as an argument or --plan; the command says which file', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'pod-migrate-cwd-'));
    try {
      for (const args of [
        ['plan', 'validate', 'v3-to-v4.yaml'],
        ['plan', 'validate', '--plan', 'plans/v3-to-v4.yaml'],
        ['plan', 'validate'],
      ]) {
        const result = await cli(args, {}, elsewhere);
        expect(result.code).toBe(0);
        expect(result.stdout).toBe(`${PLAN_PATH}: valid — plan pod-3.8-to-4.0, 132 tables, 2 tag sets, 10 steps\n`);
      }
      const explained = await cli(['plan', 'explain', '--plan', 'v3-to-v4.yaml'], {}, elsewhere);
      expect(explained.code).toBe(0);
      expect(explained.stderr).toBe(`plan: ${PLAN_PATH} (pod-3.8-to-4.0)\n`);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});

describe.each(DIALECTS.slice(0, 1))('a run, %s → same', (dialect) => {
  let pair: MigrationPair;
  let dir: string;
  let reminders: string[];

  beforeAll(async () => {
    ensureBuiltCli();
    pair = await createPair(dialect, dialect, { videos: 5, seed: 3, staleOwnerPaths: true });
    dir = mkdtempSync(join(tmpdir(), 'pod-migrate-output-'));
    reminders = (await realPlan()).steps.flatMap((s) => (s.type === 'reminder' ? [s.text] : []));
  });
  afterAll(async () => {
    await pair?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ POD_MIGRATE_SOURCE: pair.v3.url, POD_MIGRATE_TARGET: pair.v4.url });
  const run = (args: string[]) => cli(['plan', 'run', 'v3-to-v4.yaml', '--dump', pair.dumpPath, ...args], env(), dir);

  test('--quiet: the verdict alone, on success and on failure', async () => {
    const dry = await run(['--dry', '--quiet']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toMatch(/^DRY RUN OK — [^\n]+\n$/);

    const failed = await cli(['plan', 'run', '--quiet', '--source', pair.v4.url, '--target', pair.v3.url, '--dump', pair.dumpPath]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('');
    expect(failed.stdout).toMatch(/^FAILED — version gate: --source and --target are swapped[^\n]+\n$/);
  });

  test('--json: one valid document on success (steps, verify per table) and on failure (each step its error)', async () => {
    const ok = await run(['--json', '--dry']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe('');
    const doc = parseDocument(ok.stdout);
    expect(doc).toMatchObject({ ok: true, dry: true, command: 'plan run', tool: { name: 'pod-migrate', version: VERSION }, reminders });
    expect(doc.gates?.map((g) => `${g.role}:${g.detected}:${g.passed}`)).toEqual(['source:Pod 3.8.4:true', 'target:Pod 4.0.3:true']);
    expect(doc.steps?.find((s) => s.name === 'check-owner-paths')?.findings?.[0]).toMatchObject({
      kind: 'check',
      count: 2,
      keys: [expect.stringMatching(/change of owner/), expect.any(String)],
    });

    const fork = join(dir, 'failing.yaml');
    writePlanFork(fork, 'failing-fork', ['steps:', '  - { name: hook, type: command, run: "exit 3", before: export }']);
    const failed = await cli(['plan', 'run', fork, '--json', '--dump', pair.dumpPath], env());
    expect(failed.code).toBe(1);
    const bad = parseDocument(failed.stdout);
    expect(bad).toMatchObject({ ok: false, error: { code: 'COMMAND_FAILED', step: 'hook', exitCode: 1 } });
    expect(bad.steps?.find((s) => s.name === 'hook')).toMatchObject({
      status: 'failed',
      error: { code: 'COMMAND_FAILED', message: expect.stringMatching(/exited with code 3/) },
    });
    expect(bad.steps?.find((s) => s.name === 'export')).toMatchObject({ status: 'not run' });
  });

  test('--log-file: everything, each line timestamped, without colour; the verdict last', async () => {
    const log = join(dir, 'run.log');
    const result = await run(['--dry', '--log-file', log]);
    expect(result.code).toBe(0);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
    const text = lines.map((l) => l.slice(25)).join('\n');
    expect(text).toContain(`plan: ${PLAN_PATH} (pod-3.8-to-4.0)`);
    expect(text).toMatch(/\[dry\] export video_video: 5 rows/); // the detail the console shows only with -v
    expect(text).not.toMatch(/\u001b/);
    expect(lines[lines.length - 1].slice(25)).toMatch(/^DRY RUN OK — /);
  });

  test('--report: one self-contained HTML file that headless Chromium renders with the tables, the chart and the reminders', async () => {
    const report = join(dir, 'report.html');
    const fork = join(dir, 'escaping.yaml');
    writePlanFork(fork, 'escaping-fork', ['steps:', '  - { name: check-html, type: reminder, text: "<script>alert(1)</script> & check" }']);
    const result = await cli(['plan', 'run', fork, '--dump', pair.dumpPath, '--report', report], env());
    expect(result.code).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html).not.toMatch(/(src|href)=|<link|<script|@import|url\(/i); // nothing external, no script

    const dom = spawnSync(
      'chromium',
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--dump-dom', `file://${report}`],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(dom.status).toBe(0);
    const text = dom.stdout.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('pod-migrate report — escaping-fork — OK');
    for (const heading of [
      'Plan and databases',
      'Version gates',
      'Steps',
      'Where the time went',
      'Tables',
      'Findings',
      'Tags',
      'Warnings',
      'To do by hand',
    ])
      expect(text).toContain(heading);
    expect(dom.stdout).toMatch(/<svg[^>]*aria-label="time per step and ten slowest tables"[\s\S]*<rect/);
    expect(text).toMatch(/video_video 5 5 0 ok/); // rows read, written, skipped, verify
    expect(text).toMatch(/step import/);
    for (const reminder of reminders)
      expect(dom.stdout).toContain(reminder.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    expect(dom.stdout.match(/type="checkbox"/g)).toHaveLength(reminders.length + 1);
    // The reminder's markup is text, not markup.
    expect(dom.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; check');
    expect(dom.stdout).not.toContain('<script>alert(1)');
  }, 120_000);

  test('progress on a pseudo-terminal (one redrawn line, colour), none when piped; NO_COLOR', () => {
    expect(existsSync('/usr/bin/script')).toBe(true);
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} plan run v3-to-v4.yaml --dry --overwrite --dump ${JSON.stringify(pair.dumpPath)}`; // migrated by the tests above: in use
    const tty = spawnSync('script', ['-qfec', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, ...env(), NO_COLOR: '' },
      cwd: dir,
      timeout: 60_000,
    });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toMatch(/export: table \d+\/13\d \S+ [\d,]+\/[\d,]+ · [\d,]+ rows · [\d,]+ rows\/s/);
    expect(tty.stdout).toContain('\u001b[32m'); // the ✓ in green
    expect(tty.stdout).toMatch(/DRY RUN OK/);

    const piped = spawnSync(process.execPath, [CLI, 'plan', 'run', 'v3-to-v4.yaml', '--dry', '--overwrite', '--dump', pair.dumpPath], {
      encoding: 'utf8',
      env: { ...process.env, ...env() },
      cwd: dir,
      timeout: 60_000,
    });
    expect(piped.status).toBe(0);
    expect(piped.stdout + piped.stderr).not.toMatch(/rows\/s|\u001b/);

    const noColor = spawnSync('script', ['-qfec', command, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, ...env(), NO_COLOR: '1' },
      cwd: dir,
      timeout: 60_000,
    });
    expect(noColor.status).toBe(0);
    expect(noColor.stdout).not.toMatch(/\u001b\[3\dm/);

    // A step run alone (no step-end) on a terminal: its progress, with the step's total, and the process ends.
    const verify = spawnSync(
      'script',
      ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} verify --dump ${JSON.stringify(pair.dumpPath)}`, '/dev/null'],
      {
        encoding: 'utf8',
        env: { ...process.env, ...env() },
        cwd: dir,
        timeout: 60_000,
      },
    );
    expect(verify.error).toBeUndefined();
    expect(verify.status).toBe(0);
    expect(verify.stdout).toMatch(/verify: table \d+\/13\d \S+ [\d,]+\/[\d,]+ · [\d,]+\/[\d,]+ rows · [\d,]+ rows\/s/);
  }, 120_000);
});
