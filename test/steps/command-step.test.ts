/**
 * The plan's `create-db` command step (`--createDB`: `make createDB` in --pod-dir) on real databases, with a
 * stub Pod folder whose Makefile loads the Pod 4.0.3 schema fixture with the database's own client: it runs
 * only on an empty target, --dry shows it, its output is streamed, a failure stops the run with its code.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../src/dialects';
import type { DialectName } from '../../src/dialects/dialect';
import { parseConnectionUrl } from '../../src/dialects/url';
import type { CommandStep } from '../../src/plan/types';
import { seedDatabase } from '../../src/seed/write';
import { DIALECTS, createPodDatabase, createTestDatabase, podDataFile, podSchemaFile, type TestDatabase } from '../helpers/databases';
import { realPlan, runRealPlan, snapshot } from '../helpers/migration';

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The client command that runs an SQL file on the test database. */
function loadCommand(db: TestDatabase, file: string): string {
  const s = db.settings;
  return db.dialect === 'mysql'
    ? `mariadb -h ${s.host} -P ${s.port} -u ${shellQuote(s.user)} ${shellQuote(s.database)} < ${shellQuote(file)}`
    : `psql -q -v ON_ERROR_STOP=1 -h ${s.host} -p ${s.port} -U ${shellQuote(s.user)} -d ${shellQuote(s.database)} -f ${shellQuote(file)}`;
}

/** A stand-in for a Pod 4 folder: `make createDB` loads Pod 4.0.3's schema and createdb rows into `db`. */
function stubPodDir(dialect: DialectName, db: TestDatabase): string {
  const dir = mkdtempSync(join(tmpdir(), 'pod-migrate-poddir-'));
  const recipe = [
    '@echo "creating the Pod 4 schema in the database"',
    '@touch createdb-ran',
    `@${loadCommand(db, podSchemaFile(dialect, '4.0.3'))} >/dev/null`,
    `@${loadCommand(db, podDataFile(dialect, '4.0.3', 'createdb'))} >/dev/null`,
    '@echo "schema created"',
  ];
  writeFileSync(join(dir, 'Makefile'), `createDB:\n${recipe.map((l) => `\t${l}`).join('\n')}\n`);
  return dir;
}

async function tableCount(db: TestDatabase): Promise<number> {
  const rows =
    db.dialect === 'mysql'
      ? await db.query('SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE()')
      : await db.query("SELECT COUNT(*) AS n FROM pg_tables WHERE schemaname = 'public'");
  return Number(rows[0].n);
}

describe.each(DIALECTS)('create-db (command step) on %s', (dialect) => {
  let v3: TestDatabase;
  let v4: TestDatabase;
  let podDir: string;
  let dumpPath: string;

  beforeAll(async () => {
    v3 = await createPodDatabase(dialect, '3.8.4', { data: 'initial', label: `cmdv3${dialect}` });
    const conn = await connect(parseConnectionUrl(v3.url));
    try {
      await seedDatabase(conn, { videos: 5, seed: 4 });
    } finally {
      await conn.close();
    }
    v4 = await createTestDatabase(dialect, `cmdv4${dialect}`);
    podDir = stubPodDir(dialect, v4);
    dumpPath = join(podDir, 'dump.json');
  });
  afterAll(async () => {
    await v3?.drop();
    await v4?.drop();
    if (podDir) rmSync(podDir, { recursive: true, force: true });
  });

  it('--dry --createDB on an empty target shows the command and every step, and writes nothing', async () => {
    const outcome = await runRealPlan({ v3, v4, dumpPath }, { dry: true, createDB: true, podDir });
    if (outcome.error) throw outcome.error;
    expect(outcome.summary.ok).toBe(true);
    expect(outcome.summary.steps.map((s) => `${s.name}: ${s.detail}`)).toEqual([
      'create-db: would run make createDB',
      expect.stringMatching(/^check-owner-paths: /),
      `export: would write ${dumpPath}`,
      'import: would run after createDB',
      'verify: would compare row counts and checksums, source against target',
      'reindex-elasticsearch: shown at the end',
      'media-root: shown at the end',
      'owner-paths-files: shown at the end',
      'use-podfile: shown at the end',
    ]);
    const dry = outcome.reporter.messages('dry');
    expect(dry).toContain(`create-db: would run \`make createDB\` in ${podDir}`);
    expect(dry).toContain('import: would run after createDB (the target has no schema yet to describe it against)');
    expect(await tableCount(v4)).toBe(0);
    expect(existsSync(join(podDir, 'createdb-ran'))).toBe(false);
    expect(existsSync(dumpPath)).toBe(false);
  });

  it('a failing command stops the run with its exit code; the steps after it do not run', async () => {
    const plan = await realPlan();
    const failing = {
      ...plan,
      steps: plan.steps.map((s) =>
        s.name === 'create-db' ? ({ ...s, run: 'echo "starting"; echo "no Django here" >&2; exit 3' } as CommandStep) : s,
      ),
    };
    const v3Before = await snapshot(v3);
    const outcome = await runRealPlan({ v3, v4, dumpPath }, { plan: failing, createDB: true, podDir });
    expect(outcome.summary.ok).toBe(false);
    expect(outcome.summary.error).toMatch(/step create-db: `echo .*; exit 3` exited with code 3 .*the steps after it did not run/);
    expect(outcome.summary.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
      'create-db:failed',
      'check-owner-paths:not run',
      'export:not run',
      'import:not run',
      'verify:not run',
      'reindex-elasticsearch:not run',
      'media-root:not run',
      'owner-paths-files:not run',
      'use-podfile:not run',
    ]);
    // Output streamed line by line, stdout and stderr.
    expect(outcome.reporter.messages('info')).toEqual(expect.arrayContaining(['  | starting', '  | no Django here']));
    expect(await tableCount(v4)).toBe(0);
    expect(await snapshot(v3)).toEqual(v3Before);
    expect(existsSync(dumpPath)).toBe(false);
  });

  it('runs make createDB on an empty target (output streamed), then the migration into the new schema', async () => {
    const outcome = await runRealPlan({ v3, v4, dumpPath }, { createDB: true, podDir });
    if (outcome.error) throw outcome.error;
    expect(outcome.summary.ok).toBe(true);
    expect(existsSync(join(podDir, 'createdb-ran'))).toBe(true);
    const info = outcome.reporter.messages('info');
    expect(info).toContain(`create-db: running \`make createDB\` in ${podDir}`);
    expect(info.indexOf('  | creating the Pod 4 schema in the database')).toBeLessThan(info.indexOf('  | schema created'));
    expect(outcome.summary.steps.map((s) => `${s.name}:${s.status}`).slice(0, 5)).toEqual([
      'create-db:done',
      'check-owner-paths:done',
      'export:done',
      'import:done',
      'verify:done',
    ]);
    const [{ n }] = await v4.query('SELECT COUNT(*) AS n FROM video_video');
    expect(Number(n)).toBe(5);
  });

  it('refuses a target that holds tables, with the reason; nothing written, the command not run', async () => {
    rmSync(join(podDir, 'createdb-ran'), { force: true });
    rmSync(dumpPath, { force: true });
    const before = await Promise.all([snapshot(v3), snapshot(v4)]);
    for (const dry of [true, false]) {
      const outcome = await runRealPlan({ v3, v4, dumpPath }, { createDB: true, podDir, dry });
      expect(outcome.summary.ok).toBe(false);
      expect(outcome.summary.error).toMatch(
        /step create-db \(make createDB\) only runs on an empty database, and .* holds \d+ tables: drop --createDB, or point --target at an empty database/,
      );
      expect(outcome.summary.steps.map((s) => `${s.name}:${s.status}`).slice(0, 2)).toEqual([
        'create-db:failed',
        'check-owner-paths:not run',
      ]);
      expect(outcome.summary.steps.slice(1).every((s) => s.status === 'not run' && s.ms === 0)).toBe(true);
    }
    expect(await Promise.all([snapshot(v3), snapshot(v4)])).toEqual(before);
    expect(existsSync(join(podDir, 'createdb-ran'))).toBe(false);
    expect(existsSync(dumpPath)).toBe(false);
  });
});
