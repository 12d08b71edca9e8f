/**
 * Orphan rows (a foreign key pointing nowhere) are found before commit and handled by the plan's policy:
 * fail (default: nothing written, table/column/ids named), skip (row left out), null (reference cleared).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '../../src/dialects';
import { parseConnectionUrl } from '../../src/dialects/url';
import { importDump } from '../../src/engine/import';
import { CollectingReporter } from '../../src/engine/reporter';
import { verifyMigration } from '../../src/engine/verify';
import { PodMigrateError } from '../../src/errors';
import type { OrphanPolicy, ResolvedPlan } from '../../src/plan/types';
import { createPodDatabase, DIALECTS, type TestDatabase } from '../helpers/databases';
import { realPlan, snapshot } from '../helpers/migration';

const user = {
  id: 7,
  password: 'pbkdf2_sha256$x',
  last_login: null,
  is_superuser: 0,
  username: 'alice',
  first_name: 'Alice',
  last_name: 'Liddell',
  email: 'alice@example.org',
  is_staff: 0,
  is_active: 1,
  date_joined: '2024-01-02 03:04:05.123456',
};

const dump = {
  auth_user: [user],
  auth_group: [{ id: 3, name: 'teachers' }],
  auth_user_groups: [
    { id: 1, user_id: 7, group_id: 3 },
    { id: 2, user_id: 7, group_id: 99 },
  ],
  django_admin_log: [
    {
      id: 1,
      action_time: '2024-05-06 07:08:09',
      object_id: '1',
      object_repr: 'x',
      action_flag: 1,
      change_message: '',
      content_type_id: 9999,
      user_id: 7,
    },
  ],
};

function planWith(plan: ResolvedPlan, policies: Record<string, OrphanPolicy>): ResolvedPlan {
  return { ...plan, tables: plan.tables.map((t) => (policies[t.name] ? { ...t, orphans: policies[t.name] } : t)) };
}

describe.each(DIALECTS)('orphan rows → %s', (dialect) => {
  let v4: TestDatabase;
  let dir: string;
  let dumpPath: string;

  beforeAll(async () => {
    v4 = await createPodDatabase(dialect, '4.0.3', { data: 'createdb' });
    dir = mkdtempSync(join(tmpdir(), 'pod-migrate-'));
    dumpPath = join(dir, 'orphans.json');
    writeFileSync(dumpPath, JSON.stringify(dump));
  });
  afterAll(async () => {
    await v4?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(plan: ResolvedPlan, from = dumpPath) {
    const conn = await connect(parseConnectionUrl(v4.url));
    try {
      // One v4 database for every policy: each import replaces the last one's rows.
      return await importDump({ plan, target: conn, dumpPath: from, dry: false, reporter: new CollectingReporter(), overwrite: true });
    } finally {
      await conn.close();
    }
  }

  test('fail (default): nothing written, the error names table, column and ids', async () => {
    const before = await snapshot(v4);
    const error = await run(await realPlan()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PodMigrateError);
    expect((error as PodMigrateError).code).toBe('INTEGRITY');
    expect((error as PodMigrateError).place.table).toMatch(/auth_user_groups|django_admin_log/);
    expect((error as PodMigrateError).message).toMatch(/orphan rows/);
    expect(await snapshot(v4)).toEqual(before);
  });

  test('an orphan the preflight cannot see (its parent table is skipped): refused before COMMIT, named, nothing written', async () => {
    // auth_group is not imported, so the preflight does not know its ids: MariaDB's refusal is pod-migrate's own search,
    // PostgreSQL's is the server's check of the foreign key added back before COMMIT. Either names the table.
    const base = planWith(await realPlan(), { django_admin_log: 'null' });
    const plan = { ...base, tables: base.tables.map((t) => (t.name === 'auth_group' ? { ...t, strategy: 'skip' as const } : t)) };
    const before = await snapshot(v4);
    const error = await run(plan).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PodMigrateError);
    expect((error as PodMigrateError).code).toBe('INTEGRITY');
    expect((error as PodMigrateError).place.table).toBe('auth_user_groups');
    expect((error as PodMigrateError).message).toMatch(
      /^orphan rows: .*group_id.*auth_group.*Nothing was written.*"orphans: skip" or "orphans: null" on auth_user_groups/s,
    );
    expect(await snapshot(v4)).toEqual(before);
  });

  test("a row another table's policy leaves out orphans the rows pointing at it: searched for, refused, nothing written", async () => {
    // Owner 5 points at no user; its table's policy (skip) removes it once every row is written. The row checks saw
    // owner 5 written, so the site row pointing at it passes them: the search made after the policy finds it (MariaDB:
    // pod-migrate's own, PostgreSQL: the server's check of the foreign key added back before COMMIT).
    const chain = {
      auth_user: [user],
      authentication_owner: [
        {
          id: 5,
          auth_type: 'local',
          affiliation: 'member',
          commentaire: '',
          hashkey: 'a'.repeat(64),
          establishment: '',
          accepts_notifications: null,
          user_id: 99,
          userpicture_id: null,
        },
      ],
      authentication_owner_sites: [{ id: 1, owner_id: 5, site_id: 1 }],
    };
    const chainPath = join(dir, 'orphan-chain.json');
    writeFileSync(chainPath, JSON.stringify(chain));
    const before = await snapshot(v4);
    const error = await run(planWith(await realPlan(), { authentication_owner: 'skip' }), chainPath).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PodMigrateError);
    expect((error as PodMigrateError).code).toBe('INTEGRITY');
    expect((error as PodMigrateError).place.table).toBe('authentication_owner_sites');
    expect((error as PodMigrateError).message).toMatch(/^orphan rows: .*owner.*Nothing was written/s);
    expect(await snapshot(v4)).toEqual(before);
  });

  test('skip and null: the orphan row is left out, the dangling reference cleared, and verify names them', async () => {
    const plan = planWith(await realPlan(), { auth_user_groups: 'skip', django_admin_log: 'null' });
    const result = await run(plan);
    expect((await v4.query('SELECT id FROM auth_user_groups ORDER BY id')).map((r) => Number(r.id))).toEqual([1]);
    const [log] = await v4.query('SELECT content_type_id FROM django_admin_log');
    expect(log.content_type_id).toBeNull();
    expect(result.tables.find((t) => t.table === 'auth_user_groups')).toMatchObject({ read: 2, written: 1, skipped: 1 });

    const orphanKeys = new Map(result.orphans.map((f) => [f.fk.table, { policy: f.policy, keys: new Set(f.keys) }]));
    const conn = await connect(parseConnectionUrl(v4.url));
    try {
      const plain = await verifyMigration({ plan, target: conn, dumpPath, reporter: new CollectingReporter() });
      expect(
        plain.tables
          .filter((t) => t.status === 'differs')
          .map((t) => t.table)
          .sort(),
      ).toEqual(['auth_user_groups', 'django_admin_log']);
      const told = await verifyMigration({ plan, target: conn, dumpPath, reporter: new CollectingReporter(), orphanKeys });
      expect(told.ok).toBe(true);
      expect(told.tables.find((t) => t.table === 'auth_user_groups')).toMatchObject({ status: 'ok', keys: ['2'] });
    } finally {
      await conn.close();
    }
  });

  test('null on a NOT NULL column is refused', async () => {
    const error = await run(planWith(await realPlan(), { auth_user_groups: 'null', django_admin_log: 'null' })).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as PodMigrateError).message).toMatch(/NOT NULL/);
  });
});
