/** The target's CHECK constraints, evaluated by the target over bound values (and simple number bounds in TypeScript). */
import { connect } from '../../src/dialects';
import { parseConnectionUrl } from '../../src/dialects/url';
import { CheckConstraints } from '../../src/engine/check-constraints';
import { Findings } from '../../src/engine/findings';
import { mapTable } from '../../src/engine/mapping';
import { resolvedTable } from '../helpers/resolved-table';
import { createPodDatabase, DIALECTS, type TestDatabase } from '../helpers/databases';

describe.each(DIALECTS)('CHECK constraints of a Pod 4.0.3 target → %s', (dialect) => {
  let v4: TestDatabase;
  beforeAll(async () => {
    v4 = await createPodDatabase(dialect, '4.0.3');
  });
  afterAll(async () => {
    await v4?.drop();
  });

  test('meeting: every refused row is found, by constraint, and nothing is written', async () => {
    const conn = await connect(parseConnectionUrl(v4.url));
    try {
      const info = (await conn.introspect()).tables.get('meeting')!;
      const mapping = mapTable(resolvedTable('meeting'), info, ['id', 'start_at', 'recurring_until', 'nb_occurrences', 'frequency']);
      const at = (name: string) => mapping.columns.findIndex((c) => c.target.name === name);
      const row = (id: number, start: string, until: string | null, occurrences: number | null, frequency: number) => {
        const values = mapping.columns.map(() => null as string | number | null);
        values[at('id')] = id;
        values[at('start_at')] = start;
        values[at('recurring_until')] = until;
        values[at('nb_occurrences')] = occurrences;
        values[at('frequency')] = frequency;
        return values;
      };
      const findings = new Findings();
      const checks = new CheckConstraints(conn, conn.dialect, findings);
      const kept = await checks.filter(
        mapping,
        [
          row(1, '2025-12-26 00:30:00.000000', '2025-12-26', 2, 1), // ok: same UTC date
          row(2, '2025-12-26 00:30:00.000000', '2025-12-25', 2, 1), // ends before it starts
          row(3, '2025-12-26 10:00:00.000000', null, null, 0), // frequency_gte_1 (a number bound, no query)
          row(4, '2025-12-26 10:00:00.000000', '2025-12-27', null, 1), // recurring_until without nb_occurrences
        ],
        (r) => String(r[at('id')]),
      );
      expect(kept.map((r) => r[at('id')])).toEqual([1]);
      const found = Object.fromEntries(findings.list().map((f) => [f.constraint, f.keys]));
      expect(found).toMatchObject({
        'CHECK recurring_until_greater_than_start': ['2'],
        'CHECK frequency_gte_1': ['3'],
        'CHECK recurring_until_and_nb_occurrences_mutually_null_or_not': ['4'],
      });
      const [{ n }] = await v4.query('SELECT COUNT(*) AS n FROM meeting');
      expect(Number(n)).toBe(0);
    } finally {
      await conn.close();
    }
  });
});
