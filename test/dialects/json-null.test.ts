/** A JSON document that is `null` stays a JSON null, distinct from SQL NULL, on both dialects. */
import { connect } from '../../src/dialects';
import { parseConnectionUrl } from '../../src/dialects/url';
import { createTestDatabase, DIALECTS } from '../helpers/databases';

test.each(DIALECTS)('%s: JSON null and SQL NULL round-trip as themselves', async (dialect) => {
  const db = await createTestDatabase(dialect, 'jsonnull');
  const conn = await connect(parseConnectionUrl(db.url));
  try {
    await db.exec(
      dialect === 'mysql'
        ? 'CREATE TABLE j (id int PRIMARY KEY, doc longtext NULL CHECK (json_valid(doc)), raw json NULL)'
        : 'CREATE TABLE j (id int PRIMARY KEY, doc jsonb NULL, raw json NULL)',
    );
    const table = (await conn.introspect()).tables.get('j')!;
    expect(table.columns.map((c) => c.type)).toEqual(['integer', 'json', 'json']);
    await conn.transaction((tx) =>
      tx.insertRows(table, table.columns, [
        [1, { json: 'null' }, { json: 'null' }],
        [2, null, null],
        [3, { json: '{"a": [1, {"b": null}]}' }, { json: '{ "kept" :  "as written" }' }],
      ]),
    );
    const rows = [];
    for await (const row of conn.streamRows(table, table.columns)) rows.push(row);
    expect(rows[0]).toEqual([1, { json: 'null' }, { json: 'null' }]);
    expect(rows[1]).toEqual([2, null, null]);
    expect(JSON.parse((rows[2][1] as { json: string }).json)).toEqual({ a: [1, { b: null }] });
    expect((rows[2][2] as { json: string }).json).toBe('{ "kept" :  "as written" }');
  } finally {
    await conn.close();
    await db.drop();
  }
});
