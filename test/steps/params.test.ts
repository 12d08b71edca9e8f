/**
 * `params:` of sql and check steps, end to end on each dialect: a plan whose templates hold a regex literal
 * with `(?<=` / `(?=` (and `$`) next to `{{param "…"}}` placeholders runs through runSqlStep, runCheckStep and
 * runPlan, and writes exactly the values the plan gives — the literal's `?` and `$` are not placeholders.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect, getDialect } from '../../src/dialects';
import type { DatabaseConnection, DialectName } from '../../src/dialects/dialect';
import { parseConnectionUrl } from '../../src/dialects/url';
import { CollectingReporter } from '../../src/engine/reporter';
import { runPlan } from '../../src/engine/run';
import { runCheckStep, runSqlStep } from '../../src/engine/steps';
import { formatProblem, loadPlan, validatePlanFile } from '../../src/plan';
import type { CheckStep, ResolvedPlan, SqlStep } from '../../src/plan/types';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../helpers/databases';

const HEX_A = 'a'.repeat(64);
const HEX_B = 'b'.repeat(64);
const HEX_C = 'c'.repeat(64);
const NOTE = "it's a \\ back?slash, 'quoted' -- not a comment";

/** The regex of Pod's owner-path fix (plans/v3-to-v4.yaml): a 64-hex path component. */
const HASHKEY = '(?<=^|/)[0-9a-fA-F]{64}(?=/|$)';

const PLAN = `version: 1
name: params-test
templates:
  rewrite_one:
    mysql: |
      UPDATE {{ident "pm_paths"}} -- the one row? the id says which
      SET {{ident "path"}} = REGEXP_REPLACE({{ident "path"}}, '${HASHKEY}', {{param "hashkey"}}),
          {{ident "note"}} = {{param "note"}}, {{ident "why?"}} = {{param "why"}}
      WHERE {{ident "id"}} = {{param "id"}} /* ? */
    postgres: |
      UPDATE {{ident "pm_paths"}} -- the one row? the id says which
      SET {{ident "path"}} = regexp_replace({{ident "path"}}, '${HASHKEY}', {{param "hashkey"}}, 'g'),
          {{ident "note"}} = {{param "note"}}, {{ident "why?"}} = {{param "why"}}
      WHERE {{ident "id"}} = {{param "id"}} /* ? $9 */
  stale_find:
    mysql: |
      SELECT {{ident "id"}} AS id, {{ident "path"}} AS path FROM {{ident "pm_paths"}}
      WHERE REGEXP_REPLACE({{ident "path"}}, '${HASHKEY}', {{param "hashkey"}}) <> {{ident "path"}}
      ORDER BY {{ident "id"}}
    postgres: |
      SELECT {{ident "id"}} AS id, {{ident "path"}} AS path FROM {{ident "pm_paths"}}
      WHERE regexp_replace({{ident "path"}}, '${HASHKEY}', {{param "hashkey"}}, 'g') <> {{ident "path"}}
      ORDER BY {{ident "id"}}
  stale_fix:
    mysql: |
      UPDATE {{ident "pm_paths"}} SET {{ident "path"}} = REGEXP_REPLACE({{ident "path"}}, '${HASHKEY}', {{param "hashkey"}})
    postgres: |
      UPDATE {{ident "pm_paths"}} SET {{ident "path"}} = regexp_replace({{ident "path"}}, '${HASHKEY}', {{param "hashkey"}}, 'g')
steps:
  - name: rewrite-one
    type: sql
    database: target
    template: rewrite_one
    params:
      hashkey: ${HEX_B}
      note: ${JSON.stringify(NOTE)}
      why: null
      id: 2
      unused: true
  - name: stale-paths
    type: check
    database: target
    find: stale_find
    fix: [stale_fix]
    report: "{{id}}: {{path}}"
    params: { hashkey: ${HEX_C} }
`;

async function paths(db: TestDatabase): Promise<Array<{ id: number; path: string; note: string | null; why: string | null }>> {
  const q = (name: string) => getDialect(db.dialect).quoteIdent(name);
  const rows = await db.query(`SELECT id, path, note, ${q('why?')} AS why FROM pm_paths ORDER BY id`);
  return rows.map((r) => ({
    id: Number(r.id),
    path: String(r.path),
    note: r.note === null ? null : String(r.note),
    why: r.why === null ? null : String(r.why),
  }));
}

async function fill(db: TestDatabase, dialect: DialectName): Promise<void> {
  const why = dialect === 'mysql' ? '`why?`' : '"why?"';
  await db.exec(`DROP TABLE IF EXISTS pm_paths`);
  await db.exec(`CREATE TABLE pm_paths (id INT PRIMARY KEY, path VARCHAR(200) NOT NULL, note VARCHAR(200) NULL, ${why} VARCHAR(50) NULL)`);
  await db.exec(
    `INSERT INTO pm_paths (id, path, note, ${why}) VALUES (1, 'videos/${HEX_A}/v.mp4', NULL, 'w'), (2, 'videos/${HEX_A}/w.mp4', NULL, 'w'), (3, '${HEX_A}/x.mp4', NULL, 'w')`,
  );
}

describe.each(DIALECTS)('params of sql and check steps on %s', (dialect) => {
  let dir: string;
  let planPath: string;
  let plan: ResolvedPlan;
  let db: TestDatabase;
  let conn: DatabaseConnection;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-migrate-params-'));
    planPath = path.join(dir, 'params.yaml');
    fs.writeFileSync(planPath, PLAN);
    plan = await loadPlan(planPath);
    db = await createTestDatabase(dialect, `params${dialect}`);
    conn = await connect(parseConnectionUrl(db.url));
  });
  beforeEach(async () => {
    await fill(db, dialect);
  });
  afterAll(async () => {
    await conn?.close();
    await db?.drop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the plan validates, and its params are in the resolved steps', () => {
    expect(validatePlanFile(planPath).problems.map(formatProblem)).toEqual([]);
    expect(plan.steps[0]).toMatchObject({ params: { hashkey: HEX_B, note: NOTE, why: null, id: 2, unused: true } });
    expect(plan.steps[1]).toMatchObject({ params: { hashkey: HEX_C } });
  });

  it('runSqlStep binds the values next to the regex literal; dry changes nothing and shows them', async () => {
    const step = plan.steps[0] as SqlStep;
    const before = await paths(db);
    const reporter = new CollectingReporter();
    expect(await runSqlStep(step, plan, conn, true, reporter)).toBe('would run template rewrite_one');
    expect(reporter.messages('dry').join('\n')).toContain(
      `bound: hashkey = "${HEX_B}", note = ${JSON.stringify(NOTE)}, why = null, id = 2`,
    );
    expect(await paths(db)).toEqual(before);

    expect(await runSqlStep(step, plan, conn, false, new CollectingReporter())).toBe('ran template rewrite_one');
    expect(await paths(db)).toEqual([
      { id: 1, path: `videos/${HEX_A}/v.mp4`, note: null, why: 'w' },
      { id: 2, path: `videos/${HEX_B}/w.mp4`, note: NOTE, why: null },
      { id: 3, path: `${HEX_A}/x.mp4`, note: null, why: 'w' },
    ]);
  });

  it('runCheckStep gives the step params to find and to fix', async () => {
    const step = plan.steps[1] as CheckStep;
    const dry = await runCheckStep(step, plan, conn, true, new CollectingReporter());
    expect(dry).toMatchObject({ found: 3, fixed: 0, lines: [`1: videos/${HEX_A}/v.mp4`, `2: videos/${HEX_A}/w.mp4`, `3: ${HEX_A}/x.mp4`] });
    const live = await runCheckStep(step, plan, conn, false, new CollectingReporter());
    expect(live).toMatchObject({ found: 3, fixed: 3 });
    expect((await paths(db)).map((r) => r.path)).toEqual([`videos/${HEX_C}/v.mp4`, `videos/${HEX_C}/w.mp4`, `${HEX_C}/x.mp4`]);
  });

  it('runPlan runs both steps from the YAML plan', async () => {
    const reporter = new CollectingReporter();
    const outcome = await runPlan({
      plan,
      dry: false,
      createDB: false,
      onlyTags: false,
      target: parseConnectionUrl(db.url),
      dumpPath: path.join(dir, 'unused.json'),
      force: true, // a scratch database, not Pod 4: the version gate only warns
      reporter,
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.summary.ok).toBe(true);
    expect(await paths(db)).toEqual([
      { id: 1, path: `videos/${HEX_C}/v.mp4`, note: null, why: 'w' },
      { id: 2, path: `videos/${HEX_C}/w.mp4`, note: NOTE, why: null },
      { id: 3, path: `${HEX_C}/x.mp4`, note: null, why: 'w' },
    ]);
  });

  it('a step without a param its template needs is refused at render time, nothing written', async () => {
    const step: SqlStep = { ...(plan.steps[0] as SqlStep), params: { hashkey: HEX_B, note: 'n', id: 2 } };
    const before = await paths(db);
    await expect(runSqlStep(step, plan, conn, false, new CollectingReporter())).rejects.toThrow(
      /\{\{param "why"\}\}: no value given for "why"/,
    );
    expect(await paths(db)).toEqual(before);
  });
});
