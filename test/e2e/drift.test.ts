/**
 * A v3 that drifted (issue 10 acceptance), on each target dialect: the dry run lists every row the target would refuse,
 * with ids, and agrees with the live run, which refuses and writes nothing; with the shipped repair rules the two Pod
 * 4.4 cases are repaired, counted, and verify passes, naming the repaired rows as repaired.
 */
import type { DialectName } from '../../src/dialects/dialect';
import type { ResolvedPlan } from '../../src/plan/types';
import { DIALECTS } from '../helpers/databases';
import { createPair, realPlan, runRealPlan, snapshot, type MigrationPair } from '../helpers/migration';
import { driftSource, fixUnrepairable } from '../helpers/real-data';

const PAIRS: Array<[DialectName, DialectName]> = DIALECTS.map((target) => [target === 'mysql' ? 'postgres' : 'mysql', target]);

function withoutRepairs(plan: ResolvedPlan): ResolvedPlan {
  return { ...plan, tables: plan.tables.map((t) => ({ ...t, repairs: t.repairs.map((r) => ({ ...r, enabled: false })) })) };
}

const errorText = (outcome: { summary: { error?: string } }) => outcome.summary.error ?? '';

describe.each(PAIRS)('drifted v3: %s → %s', (source, target) => {
  let pair: MigrationPair;
  let ids: { meetings: number[]; videoIds: number[] };

  beforeAll(async () => {
    pair = await createPair(source, target, { videos: 6, seed: 5 });
    ids = await driftSource(pair.v3);
  });
  afterAll(async () => {
    await pair?.cleanup();
  });

  test('--dry lists every refused row with its ids; the live run agrees, refuses and writes nothing', async () => {
    const before = await snapshot(pair.v4);
    const dry = await runRealPlan(pair, { dry: true });
    const live = await runRealPlan(pair);
    expect(dry.summary.ok).toBe(false);
    expect(live.summary.ok).toBe(false);
    expect(await snapshot(pair.v4)).toEqual(before);
    for (const outcome of [dry, live]) {
      const text = errorText(outcome);
      expect(text).toMatch(/auth_user: length of first_name \((varchar|character varying)\(150\), at most 150\): 1 row\(s\) \(\d+\)/);
      expect(text).toMatch(/auth_user_groups: FOREIGN KEY group_id → auth_group.id .*: 1 row\(s\) \(9900\)/);
      if (target === 'mysql') expect(text).toMatch(/auth_user: UNIQUE username \(username\): 1 row\(s\) \(980[12]\)/);
      // The shipped rules fix the two Pod 4.4 cases: not refused, counted.
      expect(text).not.toMatch(/meeting|videotodelete/);
      const repairs = outcome.reporter.messages('info').filter((m) => m.startsWith('repair '));
      expect(repairs).toEqual([
        expect.stringMatching(
          new RegExp(`^repair meeting/recurring-until-not-before-start: 2 row\\(s\\) .*\\(${ids.meetings.join(', ')}\\)`),
        ),
        expect.stringMatching(/^repair video_videotodelete\/merge-duplicate-deletion-dates: 1 row\(s\) .*\(9012\)/),
        expect.stringMatching(
          /^repair video_videotodelete_video\/merge-duplicate-deletion-dates \(video_videotodelete_video\): 2 row\(s\) .*\(9100, 9102\)/,
        ),
      ]);
    }
    // Schema drift is listed, not fatal.
    expect(dry.reporter.messages('warning')).toEqual(
      expect.arrayContaining([expect.stringMatching(/video_video: v3 column\(s\) legacy_code not in the target: dropped/)]),
    );
    expect(live.reporter.messages('warning')).toEqual(
      expect.arrayContaining([expect.stringMatching(/auth_user: v4 column\(s\) the v3 lacks, left NULL .*: last_login/)]),
    );
  });

  test('without the repair rules, the CHECK and the UNIQUE are refused too, naming the rule that would fix them', async () => {
    const plan = withoutRepairs(await realPlan());
    const dry = await runRealPlan(pair, { dry: true, plan });
    const text = errorText(dry);
    expect(text).toMatch(
      new RegExp(
        `meeting: CHECK recurring_until_greater_than_start: 2 row\\(s\\) \\(${ids.meetings.join(', ')}\\); plan rule recurring-until-not-before-start`,
      ),
    );
    expect(text).toMatch(
      /video_videotodelete: UNIQUE \S+ \(date_deletion\): 1 row\(s\) \(9010|9012\); plan rule merge-duplicate-deletion-dates/,
    );
    const live = await runRealPlan(pair, { plan });
    // The same findings, line for line (only the first line says whether anything would have been written).
    const findingLines = (t: string) => t.split('\n').slice(1);
    expect(findingLines(errorText(live))).toEqual(findingLines(text));
  });

  test('once the rest is fixed: --dry and the live run succeed with the same counts, repairs applied, verify passes', async () => {
    await fixUnrepairable(pair.v3);
    const dry = await runRealPlan(pair, { dry: true });
    if (dry.error) throw dry.error;
    const live = await runRealPlan(pair);
    if (live.error) throw live.error;
    for (const step of ['export', 'import']) {
      const counts = (outcome: typeof dry) => outcome.summary.steps.find((s) => s.name === step)!.tables.map((t) => [t.table, t.read]);
      expect(counts(dry)).toEqual(counts(live));
    }
    expect(dry.reporter.messages('info').filter((m) => m.startsWith('repair '))).toHaveLength(3);
    const imported = live.summary.steps.find((s) => s.name === 'import')!.tables;
    expect(imported.find((t) => t.table === 'video_videotodelete')).toMatchObject({
      written: expect.any(Number),
      note: expect.stringMatching(/repaired/),
    });
    expect(
      (await pair.v4.query('SELECT id, date_deletion FROM video_videotodelete WHERE id >= 9000 ORDER BY id')).map((r) => Number(r.id)),
    ).toEqual([9010, 9011]);
    const links = await pair.v4.query('SELECT id, videotodelete_id, video_id FROM video_videotodelete_video WHERE id >= 9000 ORDER BY id');
    expect(links.map((r) => [Number(r.id), Number(r.videotodelete_id), Number(r.video_id)])).toEqual([
      [9100, 9010, ids.videoIds[0]],
      [9101, 9010, ids.videoIds[1]],
      [9103, 9011, ids.videoIds[0]],
    ]);
    const verify = live.summary.steps.find((s) => s.name === 'verify')!;
    expect(verify.status).toBe('done');
    const verdicts = live.reporter.messages('info').find((m) => m.includes('verify: PASSED'))!;
    expect(verdicts).toMatch(/meeting +ok .*2 row\(s\) repaired by the plan's repair rules/);
    expect(verdicts).toMatch(/video_videotodelete +ok .*1 row\(s\) repaired .*\[keys: 9012\]/);
    expect(verdicts).toMatch(/video_videotodelete_video +ok .*2 row\(s\) repaired .*\[keys: 9100, 9102\]/);
  });
});
