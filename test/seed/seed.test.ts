import { isJsonText, type CanonicalValue } from '../../src/convert/logical-types';
import { connect, getDialect } from '../../src/dialects';
import type { DatabaseConnection, TableInfo } from '../../src/dialects/dialect';
import { parseConnectionUrl } from '../../src/dialects/url';
import { REFERENCE_TABLES, describeSeed, generateV3Data } from '../../src/seed/generator';
import { readReferenceData, seedDatabase } from '../../src/seed/write';
import { DIALECTS, createPodDatabase, type TestDatabase } from '../helpers/databases';
import { planTables } from './ddl-schema';

jest.setTimeout(600_000);

const q = (db: TestDatabase, name: string) => getDialect(db.dialect).quoteIdent(name);

async function count(db: TestDatabase, table: string): Promise<number> {
  const [row] = await db.query(`SELECT COUNT(*) AS n FROM ${q(db, table)}`);
  return Number(row.n);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** JSON compared parsed, keys sorted (jsonb reorders keys), everything else as is. */
function comparable(v: CanonicalValue): unknown {
  return isJsonText(v) ? sortKeys(JSON.parse(v.json)) : v;
}

describe.each(DIALECTS)('seed on %s', (dialect) => {
  let db: TestDatabase;
  let conn: DatabaseConnection;

  beforeAll(async () => {
    db = await createPodDatabase(dialect, '3.8.4', { data: 'initial', label: 'seed' });
    conn = await connect(parseConnectionUrl(db.url));
  });

  afterAll(async () => {
    await conn?.close();
    await db?.drop();
  });

  test('50 videos: every plan table and the tagging tables are non-empty, with the hard tag cases', async () => {
    const result = await seedDatabase(conn, { videos: 50, seed: 3 });
    expect(result.rows).toBeGreaterThan(1000);
    for (const table of [...planTables(), 'tagging_tag', 'tagging_taggeditem']) {
      const n = await count(db, table);
      if (n === 0) throw new Error(`${table} is empty`);
      if (!REFERENCE_TABLES.includes(table)) expect(n).toBe(result.perTable.get(table));
    }
    const schema = await conn.introspect();
    const summary = describeSeed(schema, { videos: 50, seed: 3, reference: await readReferenceData(conn, schema) });
    const videoCt = `(SELECT id FROM django_content_type WHERE app_label = 'video' AND model = 'video')`;
    const [many] = await db.query(
      `SELECT object_id, COUNT(*) AS n FROM tagging_taggeditem WHERE content_type_id = ${videoCt} GROUP BY object_id ORDER BY COUNT(*) DESC LIMIT 1`,
    );
    expect(Number(many.object_id)).toBe(summary.manyTagsVideoId);
    expect(Number(many.n)).toBe(300);
    const [orphans] = await db.query(
      `SELECT COUNT(*) AS n FROM tagging_taggeditem ti LEFT JOIN video_video v ON v.id = ti.object_id
        WHERE ti.content_type_id = ${videoCt} AND v.id IS NULL`,
    );
    expect(Number(orphans.n)).toBe(summary.orphanTaggedItems.video);
    const twins = await db.query(`SELECT name FROM tagging_tag WHERE name IN ('élève', 'eleve') ORDER BY name`);
    expect(twins.map((r) => r.name)).toEqual(dialect === 'postgres' ? ['eleve', 'élève'] : ['élève']);
  });

  test('what the database gives back is what was generated (canonical values round-trip)', async () => {
    const schema = await conn.introspect();
    const reference = await readReferenceData(conn, schema);
    const tables = [
      'video_video',
      'meeting',
      'cut_cutvideo',
      'quiz_singlechoicequestion',
      'quiz_multiplechoicequestion',
      'video_videoaccesstoken',
      'tagging_tag',
      'video_comment',
      'recorder_recorder',
      'authentication_owner',
    ];
    const generated = new Map<string, { columns: string[]; rows: CanonicalValue[][] }>();
    for (const batch of generateV3Data(schema, { videos: 50, seed: 3, reference, uniqueFold: (c) => conn.dialect.uniqueFold(c), tables })) {
      const t = generated.get(batch.table) ?? { columns: batch.columns, rows: [] };
      t.rows.push(...batch.rows);
      generated.set(batch.table, t);
    }
    for (const name of tables) {
      const table = schema.tables.get(name) as TableInfo;
      const g = generated.get(name);
      if (!g) throw new Error(`nothing generated for ${name}`);
      const columns = g.columns.map((c) => table.columns.find((x) => x.name === c) as TableInfo['columns'][number]);
      const back: CanonicalValue[][] = [];
      for await (const row of conn.streamRows(table, columns)) back.push(row);
      // Rows in primary-key order on both sides (uuid keys: sort the generated ones).
      const pk = g.columns.indexOf(table.primaryKey[0]);
      const sorted = [...g.rows].sort((a, b) =>
        typeof a[pk] === 'number' ? (a[pk] as number) - (b[pk] as number) : String(a[pk]) < String(b[pk]) ? -1 : 1,
      );
      expect(back.length).toBe(sorted.length);
      for (let i = 0; i < back.length; i += 1) {
        const want = sorted[i].map(comparable);
        const got = back[i].map(comparable);
        if (JSON.stringify(want) !== JSON.stringify(got)) {
          const diff = g.columns
            .filter((_, k) => JSON.stringify(want[k]) !== JSON.stringify(got[k]))
            .map((c) => {
              const k = g.columns.indexOf(c);
              return `${c}: wrote ${JSON.stringify(want[k])?.slice(0, 120)} read ${JSON.stringify(got[k])?.slice(0, 120)}`;
            });
          throw new Error(`${name} row ${i + 1} differs:\n${diff.join('\n')}`);
        }
      }
    }
  });

  test('sequences were moved past the seeded ids; a second seed refuses a non-empty database', async () => {
    const [max] = await db.query('SELECT MAX(id) AS m FROM video_viewcount');
    expect(Number(max.m)).toBeGreaterThan(2 ** 31);
    if (dialect === 'mysql') await db.exec("INSERT INTO video_viewcount (`date`, `count`, video_id) VALUES ('2030-01-01', 1, 1)");
    else await db.exec("INSERT INTO video_viewcount (date, count, video_id) VALUES ('2030-01-01', 1, 1)");
    const [next] = await db.query("SELECT id FROM video_viewcount WHERE date = '2030-01-01'");
    expect(Number(next.id)).toBeGreaterThan(Number(max.m));
    await expect(seedDatabase(conn, { videos: 5 })).rejects.toThrow(/already holds rows/);
    const again = await seedDatabase(conn, { videos: 5, seed: 9, clear: true });
    expect(await count(db, 'video_video')).toBe(5);
    expect(again.perTable.get('video_video')).toBe(5);
  });

  test('1,000 videos (timed)', async () => {
    const big = await createPodDatabase(dialect, '3.8.4', { data: 'initial', label: 'seed1000' });
    const c = await connect(parseConnectionUrl(big.url));
    try {
      const result = await seedDatabase(c, { videos: 1000, seed: 1 });
      const lines = [...result.perTable].sort((a, b) => a[0].localeCompare(b[0])).map(([t, n]) => `${t} ${n}`);
      console.log(
        `${dialect}: seeded 1,000 videos: ${result.rows} rows in ${result.tables} tables in ${(result.ms / 1000).toFixed(1)} s\n${lines.join('\n')}`,
      );
      expect(await count(big, 'video_video')).toBe(1000);
    } finally {
      await c.close();
      await big.drop();
    }
  });

  test('the USE_PODFILE=True schema seeds too', async () => {
    const pf = await createPodDatabase(dialect, '3.8.4', { data: 'initial', podfile: true, label: 'seedpodfile' });
    const c = await connect(parseConnectionUrl(pf.url));
    try {
      const result = await seedDatabase(c, { videos: 50, seed: 2, staleOwnerPaths: true });
      expect(result.perTable.get('video_video')).toBe(50);
      const [n] = await pf.query('SELECT COUNT(*) AS n FROM video_video v JOIN podfile_customimagemodel i ON i.id = v.thumbnail_id');
      expect(Number(n.n)).toBe(34); // 50 videos, seed 2: the same on both dialects
    } finally {
      await c.close();
      await pf.drop();
    }
  });
});
