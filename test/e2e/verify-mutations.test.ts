/**
 * Verify is the administrator's proof: after a real migration, each small change to the target — the kinds a faulty
 * copy would make — must make verify fail, against the v3 database and against the dump, naming the table and key.
 * Each mutation is undone before the next (and verify passes again at the end).
 */
import { connect, getDialect } from '../../src/dialects';
import type { DatabaseConnection, SchemaInfo, TableInfo } from '../../src/dialects/dialect';
import { parseConnectionUrl } from '../../src/dialects/url';
import { CollectingReporter } from '../../src/engine/reporter';
import { formatVerify, verifyMigration, type VerifyResult } from '../../src/engine/verify';
import type { ResolvedPlan } from '../../src/plan/types';
import { DIALECTS, type TestDatabase } from '../helpers/databases';
import { createPair, realPlan, runRealPlan, type MigrationPair } from '../helpers/migration';

interface Mutation {
  name: string;
  /** The verdict that must say "differs": a table name, or a predicate on it. */
  table: string | ((name: string) => boolean);
  /** One of the keys the verdict must name. */
  key?: string | ((keys: string[]) => boolean);
  /** Other verdicts the change rightly fails too. */
  alsoDiffers?: string[];
  apply(): Promise<void>;
  undo(): Promise<void>;
}

describe.each(DIALECTS)('verify catches every mutation of a %s target', (dialect) => {
  let pair: MigrationPair;
  let plan: ResolvedPlan;
  let source: DatabaseConnection;
  let target: DatabaseConnection;
  let schema: SchemaInfo;
  const pg = dialect === 'postgres';
  const q = (n: string) => getDialect(pg ? 'postgres' : 'mysql').quoteIdent(n);
  const p = (i: number) => (pg ? `$${i}` : '?');
  const asText = (col: string) => (pg ? `${q(col)}::text` : `CAST(${q(col)} AS CHAR)`);

  beforeAll(async () => {
    pair = await createPair(dialect, dialect, { videos: 12, seed: 5 });
    const run = await runRealPlan(pair);
    if (run.error) throw run.error;
    plan = await realPlan();
    source = await connect(parseConnectionUrl(pair.v3.url));
    target = await connect(parseConnectionUrl(pair.v4.url));
    schema = await target.introspect();
  }, 300_000);
  afterAll(async () => {
    await source?.close();
    await target?.close();
    await pair?.cleanup();
  });

  /**
   * Against the source and against the dump; then both again as a large database is compared (keepRowsFirstPass 0:
   * every table keyed by an integer through the ordered digests, the others through buckets of keys).
   */
  const AGAINST = ['source', 'dump', 'source (large tables)', 'dump (large tables)'];
  const verifyBoth = async (): Promise<VerifyResult[]> => {
    const results: VerifyResult[] = [];
    for (const keepRowsFirstPass of [undefined, 0]) {
      const common = { plan, target, dumpPath: pair.dumpPath, keepRowsFirstPass };
      results.push(await verifyMigration({ ...common, source, reporter: new CollectingReporter() }));
      results.push(await verifyMigration({ ...common, reporter: new CollectingReporter() }));
    }
    return results;
  };
  const one = async (db: TestDatabase, sql: string, params: unknown[] = []) => (await db.query(sql, params))[0];
  const getText = async (table: string, column: string, id: unknown) =>
    (await one(pair.v4, `SELECT ${asText(column)} AS v FROM ${q(table)} WHERE ${q('id')} = ${p(1)}`, [id]))?.v as string | null;
  const setValue = (table: string, column: string, id: unknown, value: unknown) =>
    pair.v4.query(`UPDATE ${q(table)} SET ${q(column)} = ${p(1)} WHERE ${q('id')} = ${p(2)}`, [value, id]);

  /** Changes one column of one row; undone by writing the original text back. */
  const columnChange = async (
    name: string,
    table: string,
    column: string,
    id: unknown,
    change: (old: string | null) => unknown,
  ): Promise<Mutation> => {
    const old = await getText(table, column, id);
    return {
      name,
      table,
      key: String(id).replace(/-/g, ''),
      apply: async () => void (await setValue(table, column, id, change(old))),
      undo: async () => void (await setValue(table, column, id, old)),
    };
  };

  /** The first row (by id) of a nullable text column of a plan table holding `value` (NULL or ''). */
  const findNullableText = async (value: null | ''): Promise<{ table: string; column: string; id: unknown }> => {
    const planTables = new Set(plan.tables.filter((t) => t.strategy === 'replace').map((t) => t.target));
    for (const table of schema.tables.values()) {
      if (!planTables.has(table.name) || table.primaryKey.join() !== 'id') continue;
      for (const column of table.columns.filter((c) => c.type === 'text' && c.nullable && c.name !== 'id')) {
        const where = value === null ? `${q(column.name)} IS NULL` : `${q(column.name)} = ''`;
        const row = await one(pair.v4, `SELECT ${q('id')} AS id FROM ${q(table.name)} WHERE ${where} ORDER BY ${q('id')} LIMIT 1`);
        if (row) return { table: table.name, column: column.name, id: row.id };
      }
    }
    throw new Error(`no nullable text column holds ${value === null ? 'NULL' : "''"}`);
  };

  test('integer-keyed tables of one dialect are compared as the servers write them, where the dialect can (PostgreSQL: COPY text)', async () => {
    if (!pg) {
      expect(target.streamRawRowBatches).toBeUndefined();
      return;
    }
    const raw = jest.spyOn(target, 'streamRawRowBatches' as keyof DatabaseConnection as never);
    try {
      const result = await verifyMigration({ plan, target, source, dumpPath: pair.dumpPath, reporter: new CollectingReporter() });
      expect(result.ok).toBe(true);
      const tables = raw.mock.calls.map((call) => (call as unknown as [TableInfo])[0].name);
      expect(tables).toEqual(expect.arrayContaining(['video_viewcount', 'video_encode_transcript_encodingvideo', 'chapter_chapter']));
    } finally {
      raw.mockRestore();
    }
  });

  test("long texts of the tables compared from decoded rows are compared by the servers' digests (MariaDB: no COPY text)", async () => {
    if (pg) return; // PostgreSQL → PostgreSQL compares the servers' COPY lines (above)
    const digested = jest.spyOn(target, 'streamDigestedRowBatches' as keyof DatabaseConnection as never);
    try {
      const result = await verifyMigration({ plan, target, source, dumpPath: pair.dumpPath, reporter: new CollectingReporter() });
      expect(result.ok).toBe(true);
      const calls = digested.mock.calls.map((call) => {
        const [table, , columns] = call as unknown as [TableInfo, unknown, Set<string>];
        return [table.name, [...columns]];
      });
      expect(calls).toContainEqual(['video_video', ['description', 'description_fr', 'description_en']]);
    } finally {
      digested.mockRestore();
    }
  });

  test('tables keyed by a text (a uuid here) are compared in order too: each side read once, its key in byte order', async () => {
    const methods = ['streamRowBatches', 'streamDigestedRowBatches', 'streamRawRowBatches'] as const;
    const spies = methods.filter((m) => target[m] !== undefined).map((m) => jest.spyOn(target, m as never));
    try {
      const result = await verifyMigration({ plan, target, source, dumpPath: pair.dumpPath, reporter: new CollectingReporter() });
      expect(result.ok).toBe(true);
      // The order is the last argument of each read.
      const reads = spies.flatMap((spy) =>
        spy.mock.calls
          .map((call) => call as unknown as [TableInfo, ...unknown[]])
          .filter(([table]) => table.name === 'quiz_multiplechoicequestion')
          .map((call) => call[call.length - 1]),
      );
      expect(reads).toEqual([{ bytes: ['id'] }]);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  test("the export's counts (plan run) spare the source's COUNT(*)s; they only steer the reading, never a verdict", async () => {
    const queries = jest.spyOn(source, 'query');
    try {
      const known = new Map(plan.tables.map((t) => [t.name, 0]));
      const verifyKnowing = () =>
        verifyMigration({ plan, target, source, dumpPath: pair.dumpPath, reporter: new CollectingReporter(), sourceRows: known });
      const counts = () => queries.mock.calls.map(([sql]) => String(sql)).filter((sql) => /COUNT\(\*\)/i.test(sql));
      const result = await verifyKnowing();
      expect(counts()).toEqual([]);
      // Every table taken for empty, and yet each verdict counts the rows read on both sides.
      expect(result.ok).toBe(true);
      const video = result.tables.find((t) => t.table === 'video_video')!;
      expect(video.sourceRows).toBeGreaterThan(0);
      expect(video.targetRows).toBe(video.sourceRows);
      // A table the export did not count is counted, alone.
      known.delete('video_video');
      expect((await verifyKnowing()).ok).toBe(true);
      expect(counts()).toHaveLength(1);
      expect(counts()[0].match(/COUNT\(\*\)/gi)).toHaveLength(1);
      expect(counts()[0]).toContain('video_video');
    } finally {
      queries.mockRestore();
    }
  });

  test('each mutation fails verify (against the source and the dump), naming table and key; undone, verify passes', async () => {
    expect((await verifyBoth()).map((r) => r.ok)).toEqual([true, true, true, true]);
    const video = (await one(pair.v4, `SELECT MIN(${q('id')}) AS id FROM ${q('video_video')}`)).id;
    const withMicros = (
      await pair.v4.query(`SELECT ${q('id')} AS id, ${asText('date_added')} AS d FROM ${q('video_video')} ORDER BY ${q('id')}`)
    ).find((r) => !/\.0+(\+00)?$|:\d\d(\+00)?$/.test(String(r.d)))!;
    const quiz = await one(pair.v4, `SELECT ${q('id')} AS id FROM ${q('quiz_multiplechoicequestion')} ORDER BY ${q('id')} LIMIT 1`);
    const nullText = await findNullableText(null);
    const emptyText = await findNullableText('');
    const viewcount = (await one(pair.v4, `SELECT MIN(${q('id')}) AS id FROM ${q('video_viewcount')}`)).id;
    const v3Names = new Set((await pair.v3.query(`SELECT ${q('name')} AS n FROM ${q('tagging_tag')}`)).map((r) => String(r.n)));
    const swapCase = (s: string) => [...s].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join('');
    const tag = (
      await pair.v4.query(`SELECT ${q('id')} AS id, ${q('name')} AS name FROM ${q('video_tagulous_video_tags')} ORDER BY ${q('id')}`)
    ).find((t) => swapCase(String(t.name)) !== String(t.name) && !v3Names.has(swapCase(String(t.name))))!;
    const tagFirstVideo = (
      await one(pair.v4, `SELECT MIN(${q('video_id')}) AS v FROM ${q('video_video_tags')} WHERE ${q('tagulous_video_tags_id')} = ${p(1)}`, [
        tag.id,
      ])
    ).v;
    const link = (
      await pair.v4.query(
        `SELECT ${q('id')} AS id, ${q('video_id')} AS v, ${q('tagulous_video_tags_id')} AS t FROM ${q('video_video_tags')} ORDER BY ${q('id')} LIMIT 1`,
      )
    )[0];
    const otherVideo = await one(
      pair.v4,
      `SELECT MIN(${q('id')}) AS id FROM ${q('video_video')} v WHERE NOT EXISTS (SELECT 1 FROM ${q('video_video_tags')} l WHERE l.${q('video_id')} = v.${q('id')} AND l.${q('tagulous_video_tags_id')} = ${p(1)})`,
      [link.t],
    );
    // A description long enough to be compared by its digest (more than DIGEST_ABOVE_BYTES), where the servers digest.
    const longText = (await one(pair.v4, `SELECT MIN(${q('id')}) AS id FROM ${q('video_video')} WHERE LENGTH(${q('description')}) > 1000`))
      .id;
    expect([withMicros, quiz, tag, link, otherVideo?.id, viewcount, longText].every((x) => x !== undefined && x !== null)).toBe(true);

    const isTags = (name: string) => name === 'video_video_tags (tags)';
    const mutations: Mutation[] = [
      await columnChange('a text with a trailing space', 'video_video', 'title', video, (old) => `${old} `),
      await columnChange('a long text with a trailing space', 'video_video', 'description', longText, (old) => `${old} `),
      await columnChange('a long text with one character changed', 'video_video', 'description', longText, (old) => {
        const text = String(old);
        const at = Math.floor(text.length / 2);
        return `${text.slice(0, at)}${text[at] === 'x' ? 'y' : 'x'}${text.slice(at + 1)}`;
      }),
      await columnChange("a datetime's microseconds dropped", 'video_video', 'date_added', withMicros.id, (old) =>
        String(old).replace(/\.\d+/, ''),
      ),
      await columnChange("a JSON document's value changed", 'quiz_multiplechoicequestion', 'choices', quiz.id, (old) =>
        JSON.stringify({ ...JSON.parse(String(old)), mutated: 1 }),
      ),
      await columnChange('a boolean flipped', 'video_video', 'is_draft', video, (old) =>
        pg ? String(old !== 'true') : old === '1' ? 0 : 1,
      ),
      await columnChange("NULL turned into ''", nullText.table, nullText.column, nullText.id, () => ''),
      await columnChange("'' turned into NULL", emptyText.table, emptyText.column, emptyText.id, () => null),
      {
        name: 'a row deleted',
        table: 'video_viewcount',
        key: String(viewcount),
        apply: async () => {
          await pair.v4.exec(
            `CREATE TABLE ${q('pm_mutation_backup')} AS SELECT * FROM ${q('video_viewcount')} WHERE ${q('id')} = ${Number(viewcount)}`,
          );
          await pair.v4.exec(`DELETE FROM ${q('video_viewcount')} WHERE ${q('id')} = ${Number(viewcount)}`);
        },
        undo: async () => {
          await pair.v4.exec(`INSERT INTO ${q('video_viewcount')} SELECT * FROM ${q('pm_mutation_backup')}`);
          await pair.v4.exec(`DROP TABLE ${q('pm_mutation_backup')}`);
        },
      },
      {
        name: 'a row added',
        table: 'auth_group',
        key: '99999',
        // PostgreSQL: an explicit id does not move the sequence, which is now behind max(id) too.
        alsoDiffers: pg ? ['auth_group (sequence)'] : [],
        apply: async () =>
          void (await pair.v4.exec(`INSERT INTO ${q('auth_group')} (${q('id')}, ${q('name')}) VALUES (99999, 'added by a mutation')`)),
        undo: async () => void (await pair.v4.exec(`DELETE FROM ${q('auth_group')} WHERE ${q('id')} = 99999`)),
      },
      {
        ...(await columnChange('a tag renamed in case only', 'video_tagulous_video_tags', 'name', tag.id, (old) => swapCase(String(old)))),
        table: isTags,
        // The renamed tag's lowest video (against the dump and the source alike).
        key: (keys) => keys.includes(String(tagFirstVideo)),
      },
      {
        // The pairs agree; only the tag's stored count (its number of objects) is wrong: no key to name.
        ...(await columnChange("a tag's count off by one", 'video_tagulous_video_tags', 'count', tag.id, (old) => Number(old) + 1)),
        table: isTags,
        key: undefined,
      },
      {
        ...(await columnChange('a tag link moved to another video', 'video_video_tags', 'video_id', link.id, () => otherVideo.id)),
        table: isTags,
        key: (keys) => keys.includes(String(link.v)) || keys.includes(String(otherVideo.id)),
      },
    ];
    if (pg) {
      // InnoDB never lets AUTO_INCREMENT go behind max(id) (ALTER TABLE … AUTO_INCREMENT = 1 is raised to max + 1).
      const max = (await one(pair.v4, 'SELECT MAX(id) AS m FROM video_video')).m;
      mutations.push({
        name: 'a sequence set behind max(id)',
        table: 'video_video (sequence)',
        key: String(max),
        apply: async () => void (await pair.v4.query("SELECT setval(pg_get_serial_sequence('video_video', 'id'), 1)")),
        undo: async () => void (await pair.v4.query("SELECT setval(pg_get_serial_sequence('video_video', 'id'), $1)", [max])),
      });
    }

    for (const mutation of mutations) {
      await mutation.apply();
      const results = await verifyBoth();
      await mutation.undo();
      for (const [i, result] of results.entries()) {
        const against = AGAINST[i];
        const matches = (name: string) => (typeof mutation.table === 'string' ? name === mutation.table : mutation.table(name));
        const verdict = result.tables.find((t) => matches(t.table) && t.status === 'differs');
        const keysNamed = (keys: string[]) =>
          mutation.key === undefined ? true : typeof mutation.key === 'string' ? keys.includes(mutation.key) : mutation.key(keys);
        expect({ mutation: mutation.name, against, ok: result.ok, caught: verdict !== undefined && keysNamed(verdict.keys ?? []) }).toEqual(
          {
            mutation: mutation.name,
            against,
            ok: false,
            caught: true,
          },
        );
        // Nothing else differs: the verdict names the mutated table only.
        expect({
          mutation: mutation.name,
          against,
          others: result.tables.filter((t) => t.status !== 'ok' && !matches(t.table)).map((t) => t.table),
        }).toEqual({
          mutation: mutation.name,
          against,
          others: mutation.alsoDiffers ?? [],
        });
        if (i === 0 && mutation.name.startsWith('a text')) expect(formatVerify(result)).toMatch(/video_video\s+differs/);
      }
    }
    // Every mutation undone (each one's "nothing else differs" above already shows the earlier ones were).
    expect((await verifyBoth()).map((r) => r.ok)).toEqual([true, true, true, true]);
  }, 600_000);
});
