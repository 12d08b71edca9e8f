/**
 * Ctrl-C in the middle of the work, on the built executable: the export leaves no partial dump (it holds password
 * hashes), the import leaves the v4 database as it was, and both exit 130 saying so.
 *
 * To stop the CLI at a known point, another session holds a lock on a table the CLI is about to read (export) or
 * empty (import); the test waits until the server shows the CLI's session waiting for that lock, then interrupts.
 * On PostgreSQL only ACCESS EXCLUSIVE blocks a read, and it also blocks the introspection's pg_get_expr() on the
 * table's column defaults: the export's lock is on authtoken_token, whose columns have none (its key is text).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DialectName } from '../../src/dialects/dialect';
import { openRawConnection } from '../../src/fixtures/scratch-database';
import { CLI, ROOT, ensureBuiltCli } from '../helpers/built-cli';
import { DIALECTS, type TestDatabase } from '../helpers/databases';
import { PLAN_PATH, createPair, snapshot, writePlanFork, type MigrationPair } from '../helpers/migration';
import { cli } from '../helpers/cli';

interface Running {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
  interrupt: (signal?: NodeJS.Signals) => void;
}

function start(args: string[]): Running {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { exited, stderr: () => stderr, interrupt: (signal = 'SIGINT') => child.kill(signal) };
}

/** Another session holding a lock on `table` until release(): reads (export) and writes (import) of it wait. */
async function holdLock(db: TestDatabase, table: string) {
  const holder = await openRawConnection(db.settings);
  if (db.dialect === 'mysql') await holder.exec(`LOCK TABLES \`${table}\` WRITE`);
  else await holder.exec(`BEGIN; LOCK TABLE "${table}" IN ACCESS EXCLUSIVE MODE`);
  return {
    release: async () => {
      await holder.exec(db.dialect === 'mysql' ? 'UNLOCK TABLES' : 'COMMIT');
      await holder.close();
    },
  };
}

/** Sessions of that database waiting for a table lock, with the statement they run. */
async function lockWaiters(db: TestDatabase): Promise<Array<{ id: number; statement: string }>> {
  const rows =
    db.dialect === 'mysql'
      ? await db.query(
          "SELECT id, info AS statement FROM information_schema.processlist WHERE db = ? AND state LIKE 'Waiting for table metadata lock%'",
          [db.name],
        )
      : await db.query("SELECT pid AS id, query AS statement FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [
          db.name,
        ]);
  return rows.map((r) => ({ id: Number(r.id), statement: String(r.statement) }));
}

async function sessionGone(db: TestDatabase, id: number): Promise<boolean> {
  const rows =
    db.dialect === 'mysql'
      ? await db.query('SELECT id FROM information_schema.processlist WHERE id = ?', [id])
      : await db.query('SELECT pid FROM pg_stat_activity WHERE pid = $1', [id]);
  return rows.length === 0;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, running: Running): Promise<T> {
  for (let i = 0; i < 600; i += 1) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}; the CLI printed:\n${running.stderr()}`);
}

describe.each(DIALECTS)('interrupting the CLI on %s', (dialect: DialectName) => {
  let pair: MigrationPair;

  beforeAll(async () => {
    ensureBuiltCli();
    pair = await createPair(dialect, dialect, { videos: 10 });
  }, 180_000);

  afterAll(async () => {
    await pair?.cleanup();
  });

  test('Ctrl-C during the export: exit 130, no dump and no partial file left', async () => {
    const lock = await holdLock(pair.v3, 'authtoken_token');
    let running: Running | undefined;
    try {
      running = start(['export', '--plan', PLAN_PATH, '--source', pair.v3.url, '--dump', pair.dumpPath]);
      const run = running;
      const waiter = await waitFor('the export to wait on the locked table', async () => (await lockWaiters(pair.v3))[0], run);
      expect(waiter.statement).toMatch(/authtoken_token/);
      // Stopped after the tables before it: the partial file exists.
      expect(readdirSync(pair.dir).filter((name) => name.includes('.partial-'))).toHaveLength(1);
      run.interrupt();
      const { code } = await run.exited;
      expect(code).toBe(130);
      expect(run.stderr()).toMatch(/interrupted \(SIGINT\): .*no partial dump file is left/);
    } finally {
      await lock.release();
      await running?.exited;
    }
    expect(existsSync(pair.dumpPath)).toBe(false);
    expect(readdirSync(pair.dir)).toEqual([]);
  });

  test('Ctrl-C during the import: exit 130, the v4 database exactly as before', async () => {
    // A first complete migration, so that v4 holds data the interrupted import has begun to delete.
    const first = await cli(['plan', 'run', PLAN_PATH, '--source', pair.v3.url, '--target', pair.v4.url, '--dump', pair.dumpPath]);
    expect(first.code).toBe(0);
    const before = await snapshot(pair.v4);

    // A table without CHECK constraints: reading those (pg_get_constraintdef, before the transaction) waits on a
    // table locked ACCESS EXCLUSIVE, and this test is about an import stopped inside its transaction.
    const lock = await holdLock(pair.v4, 'video_type');
    let running: Running | undefined;
    let blockedSession: number | undefined;
    try {
      running = start(['import', '--plan', PLAN_PATH, '--target', pair.v4.url, '--dump', pair.dumpPath, '--overwrite']);
      const run = running;
      const waiter = await waitFor('the import to wait on the locked table', async () => (await lockWaiters(pair.v4))[0], run);
      // Inside its transaction, which has emptied other tables already (children first); on PostgreSQL it may be
      // dropping a foreign key to the locked table (the import drops and re-adds them around the load).
      expect(waiter.statement).toMatch(/^(DELETE FROM |ALTER TABLE .* DROP CONSTRAINT )/);
      blockedSession = waiter.id;
      run.interrupt();
      const { code } = await run.exited;
      expect(code).toBe(130);
      expect(run.stderr()).toMatch(/interrupted \(SIGINT\): a transaction still open is rolled back/);
    } finally {
      await lock.release();
      await running?.exited;
    }
    // Once the lock is gone the server finds the client gone and rolls the transaction back.
    const id = blockedSession!;
    await waitFor('the interrupted session to end', async () => ((await sessionGone(pair.v4, id)) ? true : undefined), running!);
    expect(await snapshot(pair.v4)).toEqual(before);
  });

  test('SIGTERM during a command step: the whole command is stopped too (no createDB goes on alone)', async () => {
    // The command starts a long child and writes its pid: after the interrupt that child must be gone.
    const pidFile = join(pair.dir, 'hook.pid');
    const fork = join(pair.dir, 'fork.yaml');
    writePlanFork(fork, 'slow-hook-fork', [
      'steps:',
      `  - { name: site-hook, type: command, run: ${JSON.stringify(`sleep 120 & echo $! > ${pidFile}; wait`)}, before: export }`,
    ]);
    const running = start([
      'plan',
      'run',
      fork,
      '--source',
      pair.v3.url,
      '--target',
      pair.v4.url,
      '--dump',
      join(pair.dir, 'hook-dump.json'),
      '--overwrite',
    ]);
    const pid = await waitFor(
      'the command to start',
      async () => (existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '' ? Number(readFileSync(pidFile, 'utf8')) : undefined),
      running,
    );
    expect(isAlive(pid)).toBe(true);
    running.interrupt('SIGTERM');
    const { code } = await running.exited;
    expect(code).toBe(143);
    expect(running.stderr()).toMatch(/interrupted \(SIGTERM\)/);
    await waitFor('the command to be stopped', async () => (isAlive(pid) ? undefined : true), running);
    rmSync(fork);
    rmSync(pidFile);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
