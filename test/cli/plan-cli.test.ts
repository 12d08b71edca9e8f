/** `pod-migrate plan validate` / `plan explain` / usage errors, through the real command line. */
import fs from 'node:fs';
import path from 'node:path';
import { loadPlan } from '../../src/plan';
import { cli } from '../helpers/cli';

const CORPUS = path.join(__dirname, '..', 'plan', 'broken');
const broken = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('plan validate', () => {
  test('the shipped plan is valid (exit 0)', async () => {
    const result = await cli(['plan', 'validate', 'plans/v3-to-v4.yaml']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/valid — plan pod-3\.8-to-4\.0, 132 tables/);
  });

  test('the fork overlay is valid', async () => {
    const result = await cli(['plan', 'validate', 'plans/examples/univ-fork.yaml']);
    expect(result.code).toBe(0);
  });

  test.each(broken)('%s: exit 2 with the exact file:line:col of each fault', async (file) => {
    const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
    const expected = [...text.matchAll(/^# expect: (?:([\w.-]+\.yaml):)?(\d+):(\d+): /gm)].map(
      (m) => `${path.relative(process.cwd(), path.join(CORPUS, m[1] ?? file))}:${m[2]}:${m[3]}: `,
    );
    const result = await cli(['plan', 'validate', path.relative(process.cwd(), path.join(CORPUS, file))]);
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((l) => /:\d+:\d+: /.test(l));
    expect(lines.map((l) => l.slice(0, l.indexOf(': ') + 2))).toEqual(expected);
  });
});

describe('plan explain', () => {
  test('prints every table and the SQL rendered for PostgreSQL', async () => {
    const result = await cli(['plan', 'explain', 'plans/v3-to-v4.yaml', '--dialect', 'postgres']);
    expect(result.code).toBe(0);
    const plan = await loadPlan(path.resolve('plans/v3-to-v4.yaml'));
    for (const table of plan.tables) expect(result.stdout).toContain(table.name);
    expect(result.stdout).toContain('FROM "tagging_taggeditem" ti');
  });

  test('renders MySQL quoting with --dialect mysql', async () => {
    const result = await cli(['plan', 'explain', 'plans/v3-to-v4.yaml', '--dialect', 'mysql']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('FROM `tagging_taggeditem` ti');
  });

  test('explains the overlay: its own table added, its dropped column shown', async () => {
    const result = await cli(['plan', 'explain', 'plans/examples/univ-fork.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('lecture_lecture');
    expect(result.stdout).toContain('legacy_code');
  });

  test('an unknown dialect is a usage error (exit 2)', async () => {
    const result = await cli(['plan', 'explain', 'plans/v3-to-v4.yaml', '--dialect', 'oracle']);
    expect(result.code).toBe(2);
  });
});

describe('usage errors', () => {
  test('import without a target: exit 2, says how to give one', async () => {
    const result = await cli(['import', '--dump', 'nowhere.json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--target URL or set POD_MIGRATE_TARGET/);
  });

  test('an unsupported URL scheme: exit 2, and the password is never printed', async () => {
    const result = await cli(['verify', '--target', 'oracle://scott:tiger-secret@db/pod', '--dump', 'x.json']);
    expect(result.code).toBe(2);
    expect(result.stderr + result.stdout).not.toContain('tiger-secret');
  });

  test('a connection failure never prints the password', async () => {
    const result = await cli(['export', '--dry'], { POD_MIGRATE_SOURCE: 'mysql://root:hunter2-secret@127.0.0.1:1/nodb' });
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).not.toContain('hunter2-secret');
  });

  test('every command has --help with an example', async () => {
    for (const args of [['plan', 'validate'], ['plan', 'explain'], ['plan', 'run'], ['export'], ['import'], ['verify']]) {
      const result = await cli([...args, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Examples:\n {2}\$ pod-migrate /);
    }
  });
});
