/**
 * What pod-migrate refuses, on real databases: a lock held by another session, waited for a bounded time then named;
 * bad inputs (--createDB without Pod's folder, no dump, an unreachable server), each with its message and nothing
 * written.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialectName } from '../../src/dialects/dialect';
import { openRawConnection } from '../../src/fixtures/scratch-database';
import { cli } from '../helpers/cli';
import { DIALECTS } from '../helpers/databases';
import { PLAN_PATH, createPair, snapshot, type MigrationPair } from '../helpers/migration';

describe.each(DIALECTS)('safety on %s', (dialect: DialectName) => {
  let pair: MigrationPair;
  const run = (...args: string[]) => cli(['plan', 'run', PLAN_PATH, '--source', pair.v3.url, '--target', pair.v4.url, '--dump', pair.dumpPath, ...args]);
  const importing = (...args: string[]) => cli(['import', '--plan', PLAN_PATH, '--target', pair.v4.url, '--dump', pair.dumpPath, ...args]);

  beforeAll(async () => {
    // Stale owner paths: the run's first step (check-owner-paths) would write to v3 if a refusal came late.
    pair = await createPair(dialect, dialect, { videos: 5, seed: 9, staleOwnerPaths: true });
  }, 120_000);
  afterAll(async () => {
    await pair?.cleanup();
  });

  test('a lock held by another session is waited for --lock-timeout, then the run fails naming the table; nothing written', async () => {
    expect((await cli(['export', '--plan', PLAN_PATH, '--source', pair.v3.url, '--dump', pair.dumpPath])).code).toBe(0);
    const before = await snapshot(pair.v4);
    const holder = await openRawConnection(pair.v4.settings);
    try {
      await holder.exec(`${dialect === 'mysql' ? 'START TRANSACTION' : 'BEGIN'}; SELECT * FROM video_type WHERE id = 1 FOR UPDATE`);
      const blocked = await importing('--lock-timeout', '1');
      expect(blocked.code).toBe(1);
      expect(blocked.stderr).toMatch(/^error: table video_type: .*another session holds a lock on video_type and pod-migrate waited 1 s for it \(--lock-timeout S to wait longer\): nothing was written/m);
    } finally {
      await holder.exec('ROLLBACK');
      await holder.close();
    }
    expect(await snapshot(pair.v4)).toEqual(before);
  });

  test('--createDB without Pod\'s folder, or with a folder without its Makefile rule: refused before anything starts', async () => {
    const before = await Promise.all([snapshot(pair.v3), snapshot(pair.v4)]);
    const withoutDir = await run('--createDB');
    expect(withoutDir.code).toBe(2);
    expect(withoutDir.stderr).toMatch(/step create-db runs `make createDB` in Pod 4's folder: give --pod-dir DIR, the folder that holds Pod's Makefile/);
    const dir = mkdtempSync(join(tmpdir(), 'pod-migrate-notpod-'));
    try {
      const empty = await run('--createDB', '--pod-dir', dir);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/which holds no Makefile: is --pod-dir the Pod 4 folder\?/);
      writeFileSync(join(dir, 'Makefile'), 'build:\n\techo build\n');
      const other = await run('--createDB', '--pod-dir', dir);
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/but its Makefile has no createDB rule/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await Promise.all([snapshot(pair.v3), snapshot(pair.v4)])).toEqual(before);
  });
  test('--onlytags without a dump says that an export writes it first, or --dump FILE; nothing written', async () => {
    const before = await snapshot(pair.v4);
    const missing = join(tmpdir(), 'pod-migrate-no-such-dump.json');
    const result = await cli(['plan', 'run', PLAN_PATH, '--target', pair.v4.url, '--onlytags', '--dump', missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`there is no dump file ${missing}: an export writes it first (pod-migrate export, or plan run without --onlytags), or give the dump's path with --dump FILE`);
    expect(result.stderr).not.toMatch(/ENOENT/);
    expect(await snapshot(pair.v4)).toEqual(before);
  });
});

describe('bad inputs needing no database', () => {
  test.each([
    ['postgres://pod:secret-pw@127.0.0.1:1/pod', /cannot connect to postgres:\/\/pod@127\.0\.0\.1:1\/pod: tried 127\.0\.0\.1:1 as user pod, database pod: nothing listens there \(connection refused\)/],
    ['mysql://pod:secret-pw@127.0.0.1:1/pod', /cannot connect to mysql:\/\/pod@127\.0\.0\.1:1\/pod: tried 127\.0\.0\.1:1 as user pod, database pod: nothing listens there \(connection refused\)/],
    ['postgres://pod:secret-pw@no-such-host.invalid/pod', /tried no-such-host\.invalid:5432 as user pod, database pod: the host name does not resolve/],
  ])('an unreachable server (%s) is named with host, port and what was tried, never the password', async (url, expected) => {
    const result = await cli(['import', '--target', url, '--dump', 'x.json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(expected);
    expect(result.stderr).not.toContain('secret-pw');
  });

  test('a lock timeout that is not a whole number of seconds is a usage error', async () => {
    const result = await cli(['import', '--target', 'postgres://postgres@127.0.0.1:1/pod', '--dump', 'x.json', '--lock-timeout', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the lock timeout must be a whole number of seconds ≥ 1, not "soon"/);
  });
});
