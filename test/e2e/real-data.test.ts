/**
 * Real Pod databases (issue 10): a site that never used some apps (their tables empty) migrates and verifies,
 * and the dry run agrees with the live run.
 */
import type { DialectName } from '../../src/dialects/dialect';
import { DIALECTS } from '../helpers/databases';
import { createPair, runRealPlan, type MigrationPair } from '../helpers/migration';
import { emptyApps, UNUSED_APPS } from '../helpers/real-data';

/** Each target dialect, fed from the other one (a seeded MariaDB → PostgreSQL, and back). */
const PAIRS: Array<[DialectName, DialectName]> = DIALECTS.map((target) => [target === 'mysql' ? 'postgres' : 'mysql', target]);

describe.each(PAIRS)('whole apps empty: %s → %s', (source, target) => {
  let pair: MigrationPair;
  let emptied: string[];

  beforeAll(async () => {
    pair = await createPair(source, target, { videos: 6, seed: 3 });
    emptied = await emptyApps(pair.v3, UNUSED_APPS);
    // An app never installed at all: its table is missing from v3.
    await pair.v3.exec('DROP TABLE ai_enhancement_aienhancement');
  });
  afterAll(async () => {
    await pair?.cleanup();
  });

  test('--dry then the live run: both succeed, same tables and row counts, verify passes', async () => {
    expect(emptied).toEqual(
      expect.arrayContaining(['ai_enhancement_aienhancement', 'cut_cutvideo', 'meeting', 'live_event', 'quiz_quiz', 'dressing_dressing']),
    );
    const dry = await runRealPlan(pair, { dry: true });
    if (dry.error) throw dry.error;
    const live = await runRealPlan(pair);
    if (live.error) throw live.error;
    expect(live.summary.steps.find((s) => s.name === 'verify')?.status).toBe('done');
    for (const outcome of [dry, live]) {
      expect(outcome.reporter.messages('warning')).toEqual(
        expect.arrayContaining([expect.stringMatching(/no table ai_enhancement_aienhancement/)]),
      );
    }
    for (const step of ['export', 'import']) {
      const counts = (outcome: typeof dry) => outcome.summary.steps.find((s) => s.name === step)!.tables.map((t) => [t.table, t.read]);
      expect(counts(dry)).toEqual(counts(live));
    }
    const imported = live.summary.steps.find((s) => s.name === 'import')!.tables;
    expect(imported.find((t) => t.table === 'ai_enhancement_aienhancement')).toBeUndefined();
    for (const table of emptied.filter((t) => t !== 'ai_enhancement_aienhancement'))
      expect(imported.find((t) => t.table === table)).toMatchObject({ read: 0, written: 0 });
  });
});
