/**
 * The plan's check step `check-owner-paths` (Pod's check_database_problems) on a seeded v3 database whose
 * few videos keep their previous owner's hashkey in their encoding paths: dry lists them and changes
 * nothing, live rewrites the hashkey path component in the three encoding tables in one transaction.
 */
import { connect } from '../../src/dialects';
import type { DatabaseConnection } from '../../src/dialects/dialect';
import { parseConnectionUrl } from '../../src/dialects/url';
import { CollectingReporter } from '../../src/engine/reporter';
import { runCheckStep } from '../../src/engine/steps';
import type { CheckStep, ResolvedPlan } from '../../src/plan/types';
import { seedDatabase } from '../../src/seed/write';
import { DIALECTS, createPodDatabase, createTestDatabase, type TestDatabase } from '../helpers/databases';
import { cli } from '../helpers/cli';
import { PLAN_PATH, realPlan } from '../helpers/migration';

const ENCODING_TABLES = [
  'video_encode_transcript_encodingvideo',
  'video_encode_transcript_encodingaudio',
  'video_encode_transcript_playlistvideo',
];
const HASHKEY_COMPONENT = /(?:^|\/)([0-9a-fA-F]{64})(?=\/|$)/;

interface PathRow {
  table: string;
  id: number;
  video: number;
  path: string;
  ownerHashkey: string;
  archived: boolean;
}

async function encodingPaths(db: TestDatabase): Promise<PathRow[]> {
  const out: PathRow[] = [];
  for (const table of ENCODING_TABLES) {
    const rows = await db.query(
      `SELECT e.id AS id, e.video_id AS video, e.source_file AS path, o.hashkey AS hashkey, u.username AS username
       FROM ${table} e JOIN video_video v ON v.id = e.video_id JOIN auth_user u ON u.id = v.owner_id
       JOIN authentication_owner o ON o.user_id = u.id ORDER BY e.id`,
    );
    for (const r of rows) {
      out.push({
        table,
        id: Number(r.id),
        video: Number(r.video),
        path: String(r.path),
        ownerHashkey: String(r.hashkey),
        archived: r.username === 'archive',
      });
    }
  }
  return out;
}

function isStale(row: PathRow): boolean {
  const component = HASHKEY_COMPONENT.exec(row.path)?.[1];
  return component !== undefined && component !== row.ownerHashkey;
}

/** The report line the plan prints for a video, computed here from the rows (independently of the SQL). */
function expectedLines(rows: PathRow[]): string[] {
  const videos = [...new Set(rows.filter(isStale).map((r) => r.video))].sort((a, b) => a - b);
  return videos.map((video) => {
    const stale = rows.filter((r) => r.video === video && isStale(r));
    const path = stale[0].path; // the first stale path: encodingvideo, then audio, then playlist, by id
    return `${video}; ${stale[0].archived ? 'archived video' : 'change of owner'}; encoding ${path} not in ${stale[0].ownerHashkey} folder`;
  });
}

describe.each(DIALECTS)('check-owner-paths on %s', (dialect) => {
  let v3: TestDatabase;
  let conn: DatabaseConnection;
  let plan: ResolvedPlan;
  let step: CheckStep;
  let before: PathRow[];

  beforeAll(async () => {
    plan = await realPlan();
    step = plan.steps.find((s): s is CheckStep => s.name === 'check-owner-paths' && s.type === 'check')!;
    v3 = await createPodDatabase(dialect, '3.8.4', { data: 'initial', label: `check${dialect}` });
    conn = await connect(parseConnectionUrl(v3.url));
    await seedDatabase(conn, { videos: 12, seed: 3, staleOwnerPaths: true });
    before = await encodingPaths(v3);
  });
  afterAll(async () => {
    await conn?.close();
    await v3?.drop();
  });

  it('is placed before the export, on the source, with a fix for each encoding table', () => {
    const names = plan.steps.map((s) => s.name);
    expect(names.indexOf('check-owner-paths')).toBeLessThan(names.indexOf('export'));
    expect(step).toMatchObject({ database: 'source', when: 'not-onlytags', find: 'owner_paths_find' });
    expect(step.fix).toHaveLength(3);
  });

  it('the seed holds stale paths to find (at least two videos, in every encoding table)', () => {
    const stale = before.filter(isStale);
    expect(new Set(stale.map((r) => r.video)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(stale.map((r) => r.table))).toEqual(new Set(ENCODING_TABLES));
  });

  it('dry: one line per video (id; change of owner; encoding <path> not in <hashkey> folder), nothing changed', async () => {
    const reporter = new CollectingReporter();
    const result = await runCheckStep(step, plan, conn, true, reporter);
    const expected = expectedLines(before);
    expect(result.lines).toEqual(expected);
    expect(result).toMatchObject({ found: expected.length, fixed: 0, detail: `found ${expected.length}, would fix them` });
    expect(reporter.messages('dry')).toEqual(expected.map((l) => `check-owner-paths: ${l}`));
    for (const line of result.lines)
      expect(line).toMatch(/^\d+; change of owner; encoding videos\/[0-9a-f]{64}\/\S+ not in [0-9a-f]{64} folder$/);
    expect(await encodingPaths(v3)).toEqual(before);
  });

  it('a fix that leaves problems behind is rolled back as a whole', async () => {
    // Only the encodingvideo fix: audio and playlist paths stay stale, so find still finds the videos.
    const partial: CheckStep = { ...step, fix: ['owner_paths_fix_encodingvideo'] };
    await expect(runCheckStep(partial, plan, conn, false, new CollectingReporter())).rejects.toThrow(
      /problem\(s\) remain after the fix \(rolled back/,
    );
    expect(await encodingPaths(v3)).toEqual(before);
  });

  it('pod-migrate check --dry lists the videos on stdout and changes nothing', async () => {
    const { code, stdout, stderr } = await cli(['check', '--plan', PLAN_PATH, '--source', v3.url, '--dry']);
    expect(stderr).toBe(`plan: ${PLAN_PATH} (pod-3.8-to-4.0)\n`); // which plan, and nothing else
    expect(code).toBe(0);
    const expected = expectedLines(before);
    expect(stdout).toContain(`check-owner-paths: ${expected.length} problem(s) in`);
    for (const line of expected) expect(stdout).toContain(`  ${line}\n`);
    expect(stdout).toContain(`check-owner-paths: found ${expected.length}, would fix them`);
    expect(await encodingPaths(v3)).toEqual(before);
  });

  it('pod-migrate check (live) rewrites the hashkey component of every stale path, and only that', async () => {
    const { code, stdout, stderr } = await cli(['check', '--plan', PLAN_PATH, '--source', v3.url]);
    expect(stderr).toBe(`plan: ${PLAN_PATH} (pod-3.8-to-4.0)\n`);
    expect(code).toBe(0);
    const expected = expectedLines(before);
    expect(stdout).toContain(`check-owner-paths: found ${expected.length}, fixed ${expected.length}`);

    const after = await encodingPaths(v3);
    expect(after.map((r) => `${r.table}#${r.id}`)).toEqual(before.map((r) => `${r.table}#${r.id}`));
    for (const [i, row] of before.entries()) {
      const wanted = isStale(row) ? row.path.replace(HASHKEY_COMPONENT, (m, key: string) => m.replace(key, row.ownerHashkey)) : row.path;
      expect({ table: row.table, id: row.id, path: after[i].path }).toEqual({ table: row.table, id: row.id, path: wanted });
    }
    expect(after.filter(isStale)).toEqual([]);

    // A second pass finds nothing.
    const again = await runCheckStep(step, plan, conn, false, new CollectingReporter());
    expect(again).toMatchObject({ found: 0, fixed: 0, detail: 'nothing found' });
    const again2 = await cli(['check', '--plan', PLAN_PATH, '--source', v3.url, '--dry']);
    expect(again2.code).toBe(0);
    expect(again2.stdout).toContain('check-owner-paths: no problem found in');
  });

  it('check refuses a database that is not Pod 3.8 (nothing changed)', async () => {
    const other = await createTestDatabase(dialect, `checkother${dialect}`);
    try {
      await other.exec('CREATE TABLE video_encode_transcript_encodingvideo (id integer PRIMARY KEY, source_file varchar(255))');
      const { code, stderr } = await cli(['check', '--plan', PLAN_PATH, '--source', other.url]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/the source database .* looks like no Pod database .*not Pod 3\.8\. Nothing was written/);
    } finally {
      await other.drop();
    }
  });
});
