/**
 * Kill tests on the built executable, both dialects as target: the import is SIGKILLed (its whole process group) at
 * the named pause points of the test hook POD_MIGRATE_TEST_PAUSE (src/engine/pause-points.ts), and its connection is
 * terminated from another session (pg_terminate_backend / KILL). After each, the target is exactly as before or
 * exactly as a complete migration leaves it (a reference import into a second fresh v4 database), sequences
 * included: an INSERT without id succeeds. Two runs at once: the second is refused at once, the first (a rerun after
 * all those kills) converges to the complete migration.
 *
 * A v3 table with more than one insert batch (BATCH_ROWS) gives the "mid-table" point a middle to stop in.
 */
import { spawn } from 'node:child_process';
import type { DialectName } from '../../src/dialects/dialect';
import { BATCH_ROWS } from '../../src/engine/preflight';
import { pauseMarker, type PausePoint } from '../../src/engine/pause-points';
import { openRawConnection } from '../../src/fixtures/scratch-database';
import { CLI, ROOT, ensureBuiltCli } from '../helpers/built-cli';
import { cli } from '../helpers/cli';
import { DIALECTS, createPodDatabase, type TestDatabase } from '../helpers/databases';
import { PLAN_PATH, createPair, snapshot, type MigrationPair } from '../helpers/migration';

interface Running {
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
  /** stdout and stderr as they came: the verdict (FAILED — …) is on stdout. */
  output: () => string;
}

/** The built CLI in a process group of its own (detached), so that the whole group can be killed at once. */
function start(args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });
  let stderr = '';
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    output += chunk;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { pid: child.pid!, exited, stderr: () => stderr, output: () => output };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, running?: Running): Promise<T> {
  for (let i = 0; i < 1200; i += 1) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}${running ? `; the CLI printed:\n${running.stderr()}` : ''}`);
}

/** Other sessions on the database (not the test's own): none once a killed run's session has ended. */
async function otherSessions(db: TestDatabase): Promise<number> {
  const rows =
    db.dialect === 'mysql'
      ? await db.query('SELECT COUNT(*) AS n FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()', [db.name])
      : await db.query('SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
  return Number(rows[0].n);
}

/**
 * The session of the import waiting on the row lock: in its DELETE, or on PostgreSQL possibly in the ALTER TABLE that
 * drops a foreign key to the locked table (the COPY import drops and re-adds them around the load).
 */
async function blockedDelete(db: TestDatabase): Promise<number | undefined> {
  const rows =
    db.dialect === 'mysql'
      ? await db.query("SELECT id FROM information_schema.processlist WHERE db = ? AND info LIKE 'DELETE FROM%'", [db.name])
      : await db.query(
          "SELECT pid AS id FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND (query LIKE 'DELETE FROM%' OR query LIKE 'ALTER TABLE%')",
          [db.name],
        );
  return rows.length > 0 ? Number(rows[0].id) : undefined;
}

/** Another session holding a row lock of video_type (createDB's row 1) until release(): the import's DELETE of it waits. */
async function holdRowLock(db: TestDatabase) {
  const holder = await openRawConnection(db.settings);
  await holder.exec(`${db.dialect === 'mysql' ? 'START TRANSACTION' : 'BEGIN'}; SELECT * FROM video_type WHERE id = 1 FOR UPDATE`);
  return {
    release: async () => {
      await holder.exec('ROLLBACK');
      await holder.close();
    },
  };
}

/** Pod inserts rows without ids: the sequences / AUTO_INCREMENT must be past max(id). Undone after. */
async function insertWithoutId(db: TestDatabase): Promise<void> {
  const [{ v }] = await db.query('SELECT MIN(id) AS v FROM video_video');
  const video = v === null ? null : Number(v);
  await db.exec("INSERT INTO auth_group (name) VALUES ('kill-test-group')");
  await db.exec("DELETE FROM auth_group WHERE name = 'kill-test-group'");
  if (video !== null) {
    await db.exec(
      `INSERT INTO video_viewcount (date, ${db.dialect === 'mysql' ? '`count`' : 'count'}, video_id) VALUES ('1800-01-01', 1, ${video})`,
    );
    await db.exec("DELETE FROM video_viewcount WHERE date = '1800-01-01'");
  }
}

/** More view counts than one insert batch holds, on the first video (dates no seed uses). */
async function bigViewCountTable(db: TestDatabase): Promise<void> {
  const [{ v }] = await db.query('SELECT MIN(id) AS v FROM video_video');
  const day = (n: number) => new Date(Date.UTC(1900, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
  const values = Array.from({ length: BATCH_ROWS + 1000 }, (_, n) => `('${day(n)}', ${n % 7}, ${Number(v)})`);
  await db.exec(
    `INSERT INTO video_viewcount (date, ${db.dialect === 'mysql' ? '`count`' : 'count'}, video_id) VALUES ${values.join(', ')}`,
  );
}

const POINTS: PausePoint[] = ['during-deletes', 'mid-table', 'tag-rebuild', 'before-commit', 'after-commit'];

describe.each(DIALECTS)('killing the import on %s', (dialect: DialectName) => {
  let pair: MigrationPair;
  let reference: TestDatabase;
  let fresh: Record<string, string>;
  let complete: Record<string, string>;
  const importArgs = (...more: string[]) => ['import', '--plan', PLAN_PATH, '--target', pair.v4.url, '--dump', pair.dumpPath, ...more];

  beforeAll(async () => {
    ensureBuiltCli();
    pair = await createPair(dialect, dialect, { videos: 10 });
    await bigViewCountTable(pair.v3);
    expect((await cli(['export', '--plan', PLAN_PATH, '--source', pair.v3.url, '--dump', pair.dumpPath])).code).toBe(0);
    // What a complete migration leaves: the same import into a second fresh v4 database.
    reference = await createPodDatabase(dialect, '4.0.3', { data: 'createdb', label: `ref${dialect}` });
    const done = await cli(['import', '--plan', PLAN_PATH, '--target', reference.url, '--dump', pair.dumpPath]);
    expect(done.stderr).not.toMatch(/error/);
    complete = await snapshot(reference);
    fresh = await snapshot(pair.v4);
    expect(complete).not.toEqual(fresh);
  }, 240_000);

  afterAll(async () => {
    await reference?.drop();
    await pair?.cleanup();
  });

  test.each(POINTS)('SIGKILL at %s: the target as before or completely migrated, sequences included', async (point) => {
    const before = await snapshot(pair.v4);
    const running = start(importArgs('--overwrite'), { POD_MIGRATE_TEST_PAUSE: point });
    await waitFor(`the pause at ${point}`, () => (running.stderr().includes(pauseMarker(point)) ? true : undefined), running);
    process.kill(-running.pid, 'SIGKILL');
    expect((await running.exited).signal).toBe('SIGKILL');
    await waitFor('the killed session to end', async () => ((await otherSessions(pair.v4)) === 0 ? true : undefined));
    const after = await snapshot(pair.v4);
    expect(after).toEqual(point === 'after-commit' ? complete : before);
    await insertWithoutId(pair.v4);
  });

  test('its connection terminated from another session: exit 1, the target as before', async () => {
    const before = await snapshot(pair.v4);
    const lock = await holdRowLock(pair.v4);
    let running: Running | undefined;
    try {
      running = start(importArgs('--overwrite'));
      const run = running;
      const session = await waitFor('the import to wait on the locked row', () => blockedDelete(pair.v4), run);
      await pair.v4.exec(dialect === 'mysql' ? `KILL ${session}` : `SELECT pg_terminate_backend(${session})`);
      expect((await run.exited).code).toBe(1);
      expect(run.output()).toMatch(/^FAILED — step import: /m);
    } finally {
      await lock.release();
      await running?.exited;
    }
    await waitFor('the terminated session to end', async () => ((await otherSessions(pair.v4)) === 0 ? true : undefined));
    expect(await snapshot(pair.v4)).toEqual(before);
    await insertWithoutId(pair.v4);
  });

  test('two runs at once: the second is refused at once naming the holder; the first, a rerun after the kills, converges', async () => {
    const lock = await holdRowLock(pair.v4);
    let first: Running | undefined;
    try {
      first = start(importArgs('--overwrite'));
      const run = first;
      // The first run holds the run lock and waits on the row lock inside its transaction.
      await waitFor('the first run to wait on the locked row', () => blockedDelete(pair.v4), run);
      const second = await cli(importArgs('--overwrite'));
      expect(second.code).toBe(1);
      const said = `${second.stdout}${second.stderr}`;
      expect(said).toMatch(/another pod-migrate run is using .*: nothing was done/);
      expect(said).toMatch(
        dialect === 'mysql'
          ? /held by connection \d+ \(.*@.*\), holding it for \d+ s/
          : /held by server process \d+, client .*, application "pod-migrate run lock \(pid \d+\)", user \w+, since \d{4}-/,
      );
      if (dialect === 'postgres') expect(said).toContain(`(pid ${run.pid})`);
    } finally {
      await lock.release();
    }
    expect((await first.exited).code).toBe(0);
    expect(await snapshot(pair.v4)).toEqual(complete);
    await insertWithoutId(pair.v4);
    // The lock went with the run: the next one takes it.
    const next = await cli(importArgs('--overwrite', '--dry'));
    expect(next.code).toBe(0);
  });
});
