/**
 * What pod-migrate refuses, on real databases: a v4 database in use (rows beyond a fresh createDB; with --onlytags,
 * tags the dump lacks) unless --overwrite, dry runs alike, exit 2, nothing written on either side; a lock held by
 * another session, waited for a bounded time then named; bad inputs (--createDB without Pod's folder, no dump, an
 * unreachable server), each with its message and nothing written.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DialectName } from '../../src/dialects/dialect';
import { CREATEDB_ROW_IDS } from '../../src/engine/createdb-rows';
import type { PodMigrateError } from '../../src/errors';
import { openRawConnection } from '../../src/fixtures/scratch-database';
import { cli } from '../helpers/cli';
import { DIALECTS, podDataFile, type TestDatabase } from '../helpers/databases';
import { PLAN_PATH, createPair, runRealPlan, snapshot, type MigrationPair } from '../helpers/migration';

const bool = (db: TestDatabase, value: boolean) => (db.dialect === 'mysql' ? (value ? '1' : '0') : String(value));

/** What a command said, stdout and stderr: the verdict (FAILED — …) is on stdout, the live lines on stderr. */
const said = (result: { stdout: string; stderr: string }) => `${result.stdout}${result.stderr}`;

describe.each(DIALECTS)('safety on %s', (dialect: DialectName) => {
  let pair: MigrationPair;
  const run = (...args: string[]) =>
    cli(['plan', 'run', PLAN_PATH, '--source', pair.v3.url, '--target', pair.v4.url, '--dump', pair.dumpPath, ...args]);
  const importing = (...args: string[]) => cli(['import', '--plan', PLAN_PATH, '--target', pair.v4.url, '--dump', pair.dumpPath, ...args]);

  beforeAll(async () => {
    // Stale owner paths: the run's first step (check-owner-paths) would write to v3 if the refusal came late.
    pair = await createPair(dialect, dialect, { videos: 5, seed: 9, staleOwnerPaths: true });
  }, 120_000);
  afterAll(async () => {
    await pair?.cleanup();
  });

  test('a used v4 is refused before anything is written (exit 2, --dry alike), migrated with --overwrite', async () => {
    // A user made in v4: a row beyond createDB's own, in a table the import empties.
    await pair.v4.exec(
      'INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined) ' +
        `VALUES ('!', ${bool(pair.v4, false)}, 'made-in-v4', '', '', '', ${bool(pair.v4, false)}, ${bool(pair.v4, true)}, '2026-01-01 00:00:00')`,
    );
    // v3 has stale owner paths: a run that went as far as its first step (check-owner-paths) would fix them there.
    const before = await Promise.all([snapshot(pair.v3), snapshot(pair.v4)]);

    const refused = await runRealPlan(pair);
    expect((refused.error as PodMigrateError).code).toBe('TARGET_IN_USE');
    expect(refused.summary.steps.every((s) => s.status === 'not run')).toBe(true);
    const message =
      /looks in use: it holds rows that a fresh `make createDB` does not leave, in tables the import empties: auth_user \(1 rows\)\. Nothing was written\. .*give --overwrite/;
    expect(refused.summary.error).toMatch(message);
    for (const args of [[], ['--dry']]) {
      const viaCli = await run(...args);
      expect({ args, code: viaCli.code }).toEqual({ args, code: 2 });
      expect(said(viaCli)).toMatch(message);
    }
    const imported = await importing();
    expect(imported.code).toBe(2);
    expect(said(imported)).toMatch(message);
    expect(await Promise.all([snapshot(pair.v3), snapshot(pair.v4)])).toEqual(before);

    const overwritten = await run('--overwrite');
    expect({ code: overwritten.code, stderr: overwritten.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/error/) });
    expect(await pair.v4.query("SELECT username FROM auth_user WHERE username = 'made-in-v4'")).toHaveLength(0);
    // The rule: a migrated target is in use too (rows pod-migrate wrote cannot be told from rows Pod wrote since).
    const again = await run();
    expect(again.code).toBe(2);
    expect(said(again)).toMatch(/auth_user \(\d+ rows\)/);
  });

  test('--onlytags is refused when the tag tables hold tags or links the dump lacks, unless --overwrite', async () => {
    // The dump's own tags rebuilt again: nothing the dump lacks, no refusal.
    expect((await importing('--onlytags')).code).toBe(0);
    await pair.v4.exec(
      `INSERT INTO video_tagulous_video_tags (name, slug, ${dialect === 'mysql' ? '`count`' : 'count'}, protected) VALUES ('made in v4', 'made-in-v4', 1, ${bool(pair.v4, false)})`,
    );
    await pair.v4.exec(
      'INSERT INTO video_video_tags (video_id, tagulous_video_tags_id) ' +
        "SELECT (SELECT MIN(id) FROM video_video), id FROM video_tagulous_video_tags WHERE slug = 'made-in-v4'",
    );
    const before = await snapshot(pair.v4);
    for (const args of [[], ['--dry']]) {
      const refused = await importing('--onlytags', ...args);
      expect({ args, code: refused.code }).toEqual({ args, code: 2 });
      expect(said(refused)).toMatch(
        /its tag tables hold tags or links that the dump does not have .*: video_tagulous_video_tags \(1 tags\), video_video_tags \(1 links\)\. Nothing was written/,
      );
    }
    expect(await snapshot(pair.v4)).toEqual(before);
    expect((await importing('--onlytags', '--overwrite')).code).toBe(0);
    expect(await pair.v4.query("SELECT id FROM video_tagulous_video_tags WHERE slug = 'made-in-v4'")).toHaveLength(0);
  });

  test('a tag name Tagulous cannot store, found after the links before it were sent: the import fails naming it; nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pm-tagname-'));
    try {
      const dumpPath = join(dir, 'dump.json');
      expect((await cli(['export', '--plan', PLAN_PATH, '--source', pair.v3.url, '--dump', dumpPath])).code).toBe(0);
      const dump = JSON.parse(readFileSync(dumpPath, 'utf8')) as Record<string, Array<{ video_id: number; tag_names: string[] }>>;
      const tagged = dump.video_tagging_tag_2_tagulous;
      // On the last video: every other video's links are made (and written) before the name is reached.
      const last = tagged.reduce((a, b) => (b.video_id > a.video_id ? b : a));
      const long = 'x'.repeat(256);
      last.tag_names.push(long);
      writeFileSync(dumpPath, JSON.stringify(dump));
      const before = await snapshot(pair.v4);
      const failed = await cli(['import', '--plan', PLAN_PATH, '--target', pair.v4.url, '--dump', dumpPath, '--overwrite']);
      expect(failed.code).not.toBe(0);
      expect(said(failed)).toMatch(
        new RegExp(`object ${last.video_id}, tag "x{256}": tag name of 256 characters exceeds Tagulous's NAME_MAX_LENGTH`),
      );
      expect(await snapshot(pair.v4)).toEqual(before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a lock held by another session is waited for --lock-timeout, then the run fails naming the table; nothing written', async () => {
    const before = await snapshot(pair.v4);
    const holder = await openRawConnection(pair.v4.settings);
    try {
      await holder.exec(`${dialect === 'mysql' ? 'START TRANSACTION' : 'BEGIN'}; SELECT * FROM video_type WHERE id = 1 FOR UPDATE`);
      const blocked = await importing('--overwrite', '--lock-timeout', '1');
      expect(blocked.code).toBe(1);
      expect(said(blocked)).toMatch(
        /table video_type: .*another session holds a lock on video_type and pod-migrate waited 1 s for it \(--lock-timeout S to wait longer\): nothing was written/m,
      );
    } finally {
      await holder.exec('ROLLBACK');
      await holder.close();
    }
    expect(await snapshot(pair.v4)).toEqual(before);
  });

  test("--createDB without Pod's folder, or with a folder without its Makefile rule: refused before anything starts", async () => {
    const before = await Promise.all([snapshot(pair.v3), snapshot(pair.v4)]);
    const withoutDir = await run('--createDB');
    expect(withoutDir.code).toBe(2);
    expect(said(withoutDir)).toMatch(
      /step create-db runs `make createDB` in Pod 4's folder: give --pod-dir DIR, the folder that holds Pod's Makefile/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'pod-migrate-notpod-'));
    try {
      const empty = await run('--createDB', '--pod-dir', dir);
      expect(empty.code).toBe(2);
      expect(said(empty)).toMatch(/which holds no Makefile: is --pod-dir the Pod 4 folder\?/);
      writeFileSync(join(dir, 'Makefile'), 'build:\n\techo build\n');
      const other = await run('--createDB', '--pod-dir', dir);
      expect(other.code).toBe(2);
      expect(said(other)).toMatch(/but its Makefile has no createDB rule/);
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
    expect(said(result)).toContain(
      `there is no dump file ${missing}: an export writes it first (pod-migrate export, or plan run without --onlytags), or give the dump's path with --dump FILE`,
    );
    expect(said(result)).not.toMatch(/ENOENT/);
    expect(await snapshot(pair.v4)).toEqual(before);
  });
});

describe('bad inputs needing no database', () => {
  test.each([
    [
      'postgres://pod:secret-pw@127.0.0.1:1/pod',
      /cannot connect to postgres:\/\/pod@127\.0\.0\.1:1\/pod: tried 127\.0\.0\.1:1 as user pod, database pod: nothing listens there \(connection refused\)/,
    ],
    [
      'mysql://pod:secret-pw@127.0.0.1:1/pod',
      /cannot connect to mysql:\/\/pod@127\.0\.0\.1:1\/pod: tried 127\.0\.0\.1:1 as user pod, database pod: nothing listens there \(connection refused\)/,
    ],
    [
      'postgres://pod:secret-pw@no-such-host.invalid/pod',
      /tried no-such-host\.invalid:5432 as user pod, database pod: the host name does not resolve/,
    ],
  ])('an unreachable server (%s) is named with host, port and what was tried, never the password', async (url, expected) => {
    const result = await cli(['import', '--target', url, '--dump', 'x.json']);
    expect(result.code).toBe(1);
    expect(said(result)).toMatch(expected);
    expect(said(result)).not.toContain('secret-pw');
  });

  test('a lock timeout that is not a whole number of seconds is a usage error', async () => {
    const result = await cli(['import', '--target', 'postgres://postgres@127.0.0.1:1/pod', '--dump', 'x.json', '--lock-timeout', 'soon']);
    expect(result.code).toBe(2);
    expect(said(result)).toMatch(/the lock timeout must be a whole number of seconds ≥ 1, not "soon"/);
  });

  test.each(DIALECTS)("createDB's own rows (createdb-rows.ts) are those of Pod 4.0.3's createdb data (%s)", (dialect) => {
    const text = readFileSync(podDataFile(dialect, '4.0.3', 'createdb'), 'utf8');
    const ids: Record<string, number[]> = {};
    for (const m of text.matchAll(/^INSERT INTO (?:public\.)?`?(\w+)`? \(`?id`?,[^)]*\) VALUES \((\d+),/gm)) {
      if (m[1] === 'django_content_type' || m[1] === 'auth_permission') continue; // merge tables: never lose a row
      ids[m[1]!] ??= [];
      ids[m[1]!]!.push(Number(m[2]));
    }
    expect(ids).toEqual(CREATEDB_ROW_IDS);
  });
});
