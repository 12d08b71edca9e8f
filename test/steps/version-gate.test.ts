/**
 * The version gates of `plan run` on real databases: refusals before anything is written (snapshots before
 * and after, no dump file), --force, and sources older than 3.8.4 / 3.8.2.
 */
import { existsSync } from 'node:fs';
import { getDialect } from '../../src/dialects';
import type { DialectName } from '../../src/dialects/dialect';
import { PodMigrateError } from '../../src/errors';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../helpers/databases';
import { createPair, realPlan, runRealPlan, snapshot, type MigrationPair } from '../helpers/migration';

const q = (dialect: DialectName, n: string) => getDialect(dialect).quoteIdent(n);

function expectRefused(outcome: { summary: { ok: boolean; steps: Array<{ status: string }> }; error?: unknown }, message: RegExp): void {
  expect(outcome.summary.ok).toBe(false);
  expect(outcome.error).toBeInstanceOf(PodMigrateError);
  expect((outcome.error as PodMigrateError).code).toBe('VERSION_GATE');
  expect((outcome.error as PodMigrateError).message).toMatch(message);
  // Refused before the first step: every step is listed as not run.
  expect(outcome.summary.steps.length).toBe(8); // the shipped plan's steps
  expect(outcome.summary.steps.every((step) => step.status === 'not run')).toBe(true);
}

describe.each(DIALECTS)('version gates on %s', (dialect) => {
  let pair: MigrationPair;

  beforeAll(async () => {
    pair = await createPair(dialect, dialect, { videos: 5, seed: 2 });
  });
  afterAll(async () => {
    await pair?.cleanup();
  });

  async function unchanged<T>(dbs: TestDatabase[], work: () => Promise<T>): Promise<T> {
    const before = await Promise.all(dbs.map(snapshot));
    const result = await work();
    const after = await Promise.all(dbs.map(snapshot));
    expect(after).toEqual(before);
    expect(existsSync(pair.dumpPath)).toBe(false);
    return result;
  }

  it('source and target swapped: refused naming both kinds, even with --force; nothing written', async () => {
    await unchanged([pair.v3, pair.v4], async () => {
      for (const force of [false, true]) {
        const outcome = await runRealPlan({ v3: pair.v4, v4: pair.v3, dumpPath: pair.dumpPath }, { force });
        expectRefused(
          outcome,
          /--source and --target are swapped: the source database .* looks like Pod 4\.0\.3 \(.*\) and the target database .* like Pod 3\.8\.4 \(.*\)\. Nothing was written/,
        );
      }
      const dry = await runRealPlan({ v3: pair.v4, v4: pair.v3, dumpPath: pair.dumpPath }, { dry: true });
      expectRefused(dry, /swapped/);
    });
  });

  it('an empty source is refused', async () => {
    const empty = await createTestDatabase(dialect, 'emptysrc');
    try {
      await unchanged([pair.v4], async () => {
        const outcome = await runRealPlan({ v3: empty, v4: pair.v4, dumpPath: pair.dumpPath });
        expectRefused(outcome, /the source database .* is empty\. Nothing was written/);
      });
    } finally {
      await empty.drop();
    }
  });

  it('a target that is not Pod 4 (a Pod 3 schema, a stray table) is refused; nothing written on either side', async () => {
    await unchanged([pair.v3], async () => {
      const outcome = await runRealPlan({ v3: pair.v3, v4: pair.v3, dumpPath: pair.dumpPath });
      expectRefused(outcome, /the target database .* looks like Pod 3 \(django-tagging tables.*\), not Pod 4\.0\. Nothing was written/);
    });
    const stray = await createTestDatabase(dialect, 'stray');
    try {
      await stray.exec('CREATE TABLE notes (id integer PRIMARY KEY, body varchar(20))');
      await stray.exec("INSERT INTO notes VALUES (1, 'kept')");
      await unchanged([pair.v3, stray], async () => {
        const outcome = await runRealPlan({ v3: pair.v3, v4: stray, dumpPath: pair.dumpPath });
        expectRefused(
          outcome,
          /the target database .* looks like no Pod database \(neither django-tagging nor Tagulous tables\), not Pod 4\.0/,
        );
      });
    } finally {
      await stray.drop();
    }
  });

  it('--force turns a refusal into a warning and the run goes on', async () => {
    const plan = await realPlan();
    const narrow = { ...plan, target: { pod: '>=4.1.0 <4.2' } };
    await unchanged([pair.v3, pair.v4], async () => {
      const refused = await runRealPlan(pair, { plan: narrow });
      expectRefused(
        refused,
        /looks like Pod 4\.0\.3 .*outside the plan's range ">=4\.1\.0 <4\.2"\. Nothing was written \(--force goes on anyway\)/,
      );
    });
    const forced = await runRealPlan(pair, { plan: narrow, force: true });
    if (forced.error) throw forced.error;
    expect(forced.summary.ok).toBe(true);
    // Said once, though the run's gate and the import's both see it.
    expect(forced.summary.warnings.filter((w) => /outside the plan's range/.test(w))).toEqual([
      expect.stringMatching(/going on because of --force$/),
    ]);
    expect(forced.summary.steps.map((s) => `${s.name}:${s.status}`)).toEqual(
      expect.arrayContaining(['export:done', 'import:done', 'verify:done']),
    );
  });

  it("a source before 3.8.4 (no video_video.order) imports with the plan's default for order", async () => {
    await pair.v3.exec(`ALTER TABLE video_video DROP COLUMN ${q(dialect, 'order')}`);
    const outcome = await runRealPlan(pair, { overwrite: true });
    if (outcome.error) throw outcome.error;
    expect(outcome.summary.ok).toBe(true);
    expect(outcome.reporter.messages('info')).toEqual(
      expect.arrayContaining([expect.stringMatching(/version gate: source .*: Pod 3\.8\.2 \(.*video_video without order/)]),
    );
    const orders = await pair.v4.query(`SELECT DISTINCT ${q(dialect, 'order')} AS o FROM video_video`);
    expect(orders.map((r) => Number(r.o))).toEqual([1]);
    const [{ n }] = await pair.v4.query('SELECT COUNT(*) AS n FROM video_video');
    expect(Number(n)).toBe(5);
  });

  it('a source before 3.8.2 (no meeting_livegateway.sipmediagw_*) is refused with the reason; nothing written', async () => {
    await pair.v3.exec('ALTER TABLE meeting_livegateway DROP COLUMN sipmediagw_server_url');
    await pair.v3.exec('ALTER TABLE meeting_livegateway DROP COLUMN sipmediagw_server_token');
    const { rmSync } = await import('node:fs');
    rmSync(pair.dumpPath, { force: true });
    await unchanged([pair.v3, pair.v4], async () => {
      const outcome = await runRealPlan(pair);
      expectRefused(
        outcome,
        /looks like Pod 3\.8\.1 .*outside the plan's range ">=3\.8\.2 <3\.9": meeting_livegateway gained NOT NULL UNIQUE columns \(sipmediagw_server_url, sipmediagw_server_token\) in 3\.8\.2.*upgrade the v3 site to 3\.8\.4 first/,
      );
    });
  });
});
