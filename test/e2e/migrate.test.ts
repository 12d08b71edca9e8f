/**
 * The heart of the product, on real databases: Pod 3.8.4 → Pod 4.0.3 for each (source, target) pair of
 * dialects, with the real plan, the seeded generator and verify.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, getDialect } from '../../src/dialects';
import type { DialectName } from '../../src/dialects/dialect';
import { parseConnectionUrl } from '../../src/dialects/url';
import { CollectingReporter } from '../../src/engine/reporter';
import { verifyMigration } from '../../src/engine/verify';
import type { PodMigrateError } from '../../src/errors';
import { DIALECT_PAIRS } from '../helpers/databases';
import { createPair, realPlan, runRealPlan, snapshot, type MigrationPair } from '../helpers/migration';

const q = (dialect: DialectName, n: string) => getDialect(dialect).quoteIdent(n);

describe.each(DIALECT_PAIRS)('%s → %s', (source, target) => {
  let pair: MigrationPair;

  beforeAll(async () => {
    pair = await createPair(source, target, { videos: 25, seed: 7 });
  });
  afterAll(async () => {
    await pair?.cleanup();
  });

  test('plan run moves every row, verify passes, sequences and v4-only rows survive, a second run is identical', async () => {
    const v4ContentTypesBefore = await pair.v4.query(`SELECT app_label, model FROM django_content_type`);
    const first = await runRealPlan(pair);
    if (first.error) throw first.error;
    expect(first.summary.ok).toBe(true);
    const verifyStep = first.summary.steps.find((s) => s.name === 'verify');
    expect(verifyStep?.status).toBe('done');
    // After its last table the import says what it does (the live line would otherwise stay on that table).
    const importEvents = first.reporter.events.filter((e) => 'step' in e && e.step === 'import');
    const phases = importEvents.flatMap((e, i) => (e.type === 'phase' ? [{ message: e.message, at: i }] : []));
    expect(phases.map((p) => p.message)).toEqual(['rebuilding the tag sets', 'foreign keys, indexes and sequences, then COMMIT']);
    const lastTableEnd = importEvents.map((e) => e.type).lastIndexOf('table-end');
    expect(lastTableEnd).toBeGreaterThan(0);
    expect(lastTableEnd).toBeLessThan(phases[0].at);

    // Every plan table holding rows in v3 holds as many in v4.
    const imported = first.summary.steps.find((s) => s.name === 'import')!;
    expect(imported.tables.length).toBeGreaterThanOrEqual(132);
    for (const t of imported.tables) {
      if (t.table.endsWith('_2_tagulous')) continue;
      const [{ n }] = await pair.v3.query(`SELECT COUNT(*) AS n FROM ${q(source, t.table)}`);
      expect({ table: t.table, rows: t.written }).toEqual({ table: t.table, rows: Number(n) });
    }

    // v4-only content types are still there (re-keyed), with their permissions.
    const after = await pair.v4.query(`SELECT app_label, model FROM django_content_type`);
    const keys = new Set(after.map((r) => `${r.app_label}.${r.model}`));
    for (const r of v4ContentTypesBefore) expect(keys).toContain(`${r.app_label}.${r.model}`);
    const [{ n: hyperlinkPerms }] = await pair.v4.query(
      `SELECT COUNT(*) AS n FROM auth_permission p JOIN django_content_type c ON c.id = p.content_type_id WHERE c.app_label = 'hyperlinks'`,
    );
    // Pod 4.0.3's createdb: add / change / delete / view of hyperlinks.hyperlink and .videohyperlink.
    expect(Number(hyperlinkPerms)).toBe(8);

    // Tags: one through row per v3 (object, tag) pair of an existing video — pairs the target's UNIQUE index
    // sees as one name (MariaDB: "élève" = "eleve") are one tag; counts are object counts.
    const [{ n: links }] = await pair.v4.query('SELECT COUNT(*) AS n FROM video_video_tags');
    const v3pairs = await pair.v3.query(
      `SELECT ti.object_id AS o, t.name AS name FROM tagging_taggeditem ti JOIN tagging_tag t ON t.id = ti.tag_id
       JOIN django_content_type ct ON ct.id = ti.content_type_id
       JOIN video_video v ON v.id = ti.object_id WHERE ct.app_label = 'video' AND ct.model = 'video'`,
    );
    const [{ c: collation }] = await pair.v4.query(
      target === 'mysql'
        ? "SELECT collation_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'video_tagulous_video_tags' AND column_name = 'name'"
        : 'SELECT NULL AS c',
    );
    const fold = getDialect(target).uniqueFold((collation as string | null) ?? null);
    expect(Number(links)).toBe(new Set(v3pairs.map((r) => `${r.o}|${fold(String(r.name).toUpperCase())}`)).size);
    const [{ n: badCounts }] = await pair.v4.query(
      'SELECT COUNT(*) AS n FROM video_tagulous_video_tags t WHERE t.count <> (SELECT COUNT(*) FROM video_video_tags l WHERE l.tagulous_video_tags_id = t.id)',
    );
    expect(Number(badCounts)).toBe(0);
    const multiWord = await pair.v4.query("SELECT slug FROM video_tagulous_video_tags WHERE name = 'machine learning'");
    expect(multiWord.map((r) => r.slug)).toEqual(['machine-learning']);

    // Pod can insert new rows: sequences / AUTO_INCREMENT are past max(id).
    await pair.v4.exec("INSERT INTO auth_group (name) VALUES ('pod-migrate-new-group')");
    await pair.v4.exec("INSERT INTO django_site (domain, name) VALUES ('new.example.org', 'new')");
    await pair.v4.exec("INSERT INTO django_content_type (app_label, model) VALUES ('podmigrate', 'newmodel')");
    await pair.v4.exec(
      `INSERT INTO video_tagulous_video_tags (name, slug, ${q(target, 'count')}, protected) VALUES ('brand new tag', 'brand-new-tag', 0, ${target === 'mysql' ? 0 : 'false'})`,
    );
    await pair.v4.exec("DELETE FROM auth_group WHERE name = 'pod-migrate-new-group'");
    await pair.v4.exec("DELETE FROM django_site WHERE domain = 'new.example.org'");
    await pair.v4.exec("DELETE FROM django_content_type WHERE app_label = 'podmigrate'");
    await pair.v4.exec("DELETE FROM video_tagulous_video_tags WHERE slug = 'brand-new-tag'");

    const once = await snapshot(pair.v4);
    // A migrated target is in use: a second run is refused, nothing written; --overwrite redoes it.
    const refused = await runRealPlan(pair);
    expect((refused.error as PodMigrateError | undefined)?.code).toBe('TARGET_IN_USE');
    expect(await snapshot(pair.v4)).toEqual(once);
    const second = await runRealPlan(pair, { overwrite: true });
    if (second.error) throw second.error;
    const twice = await snapshot(pair.v4);
    for (const table of Object.keys(once)) expect({ table, rows: twice[table] }).toEqual({ table, rows: once[table] });

    // --onlytags --dry writes nothing at all.
    const dryTags = await runRealPlan(pair, { onlyTags: true, dry: true });
    if (dryTags.error) throw dryTags.error;
    expect(await snapshot(pair.v4)).toEqual(twice);

    // --onlytags rebuilds the same tag tables and leaves every other table as it is.
    const [{ name: siteName }] = await pair.v4.query('SELECT name FROM django_site');
    await pair.v4.exec("UPDATE django_site SET name = 'changed by hand'");
    const tagsOnly = await runRealPlan(pair, { onlyTags: true, plan: await planWithout('verify') });
    if (tagsOnly.error) throw tagsOnly.error;
    const thrice = await snapshot(pair.v4);
    for (const table of ['video_tagulous_video_tags', 'video_video_tags', 'recorder_tagulous_recorder_tags', 'recorder_recorder_tags']) {
      expect({ table, rows: thrice[table] }).toEqual({ table, rows: once[table] });
    }
    expect((await pair.v4.query('SELECT name FROM django_site')).map((r) => r.name)).toEqual(['changed by hand']);
    await pair.v4.query(target === 'mysql' ? 'UPDATE django_site SET name = ?' : 'UPDATE django_site SET name = $1', [siteName]);
  });

  test('a row that violates a constraint in the middle of the import leaves the v4 database exactly as it was', async () => {
    // Build a dump whose video_video holds two rows with the same slug (UNIQUE in v4).
    const dump = JSON.parse(readFileSync(pair.dumpPath, 'utf8')) as Record<string, Array<Record<string, unknown>>>;
    const videos = dump.video_video;
    expect(videos.length).toBeGreaterThan(2);
    videos[videos.length - 1].slug = videos[0].slug;
    const broken = `${pair.dumpPath}.broken.json`;
    writeFileSync(broken, JSON.stringify(dump));
    const before = await snapshot(pair.v4);
    const outcome = await runRealPlan({ v4: pair.v4, dumpPath: broken }, { plan: await importOnlyPlan(), overwrite: true });
    expect(outcome.summary.ok).toBe(false);
    expect((outcome.error as PodMigrateError).code).toBe('INTEGRITY');
    expect(outcome.summary.error).toMatch(/video_video/);
    const after = await snapshot(pair.v4);
    for (const table of Object.keys(before)) expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
  });

  test('a corrupted v4 table makes verify fail, naming it', async () => {
    await pair.v4.exec(
      `UPDATE video_viewcount SET ${q(target, 'count')} = ${q(target, 'count')} + 1 WHERE id = (SELECT m FROM (SELECT MIN(id) AS m FROM video_viewcount) x)`,
    );
    const outcome = await runRealPlan({ v4: pair.v4, dumpPath: pair.dumpPath }, { plan: await verifyOnlyPlan() });
    expect(outcome.summary.ok).toBe(false);
    expect(outcome.summary.error).toMatch(/video_viewcount/);

    // The verdict names the row: small tables from the first pass, larger ones from a second read.
    const [{ m }] = await pair.v4.query('SELECT MIN(id) AS m FROM video_viewcount');
    const conn = await connect(parseConnectionUrl(pair.v4.url));
    try {
      for (const keepRowsFirstPass of [undefined, 0]) {
        const result = await verifyMigration({
          plan: await realPlan(),
          target: conn,
          dumpPath: pair.dumpPath,
          reporter: new CollectingReporter(),
          keepRowsFirstPass,
        });
        const verdict = result.tables.find((t) => t.table === 'video_viewcount');
        expect({ keepRowsFirstPass, status: verdict?.status, keys: verdict?.keys }).toEqual({
          keepRowsFirstPass,
          status: 'differs',
          keys: [String(m)],
        });
      }
    } finally {
      await conn.close();
    }
  });
});

async function planWithSteps(type: 'import' | 'verify') {
  const plan = await realPlan();
  return { ...plan, steps: plan.steps.filter((s) => s.type === type) };
}
const importOnlyPlan = () => planWithSteps('import');
async function planWithout(type: 'verify') {
  const plan = await realPlan();
  return { ...plan, steps: plan.steps.filter((s) => s.type !== type) };
}
const verifyOnlyPlan = () => planWithSteps('verify');
