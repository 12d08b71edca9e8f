/** A tinyint(1) holding something else than 0/1 is refused on export, never read as true. */
import { connect } from '../../src/dialects';
import { parseConnectionUrl } from '../../src/dialects/url';
import { createTestDatabase, DIALECTS } from '../helpers/databases';

(DIALECTS.includes('mysql') ? test : test.skip)('tinyint(1) = 2 is refused when read', async () => {
  const db = await createTestDatabase('mysql', 'tinyint2');
  const conn = await connect(parseConnectionUrl(db.url));
  try {
    await db.exec('CREATE TABLE b (id int PRIMARY KEY, flag tinyint(1) NOT NULL); INSERT INTO b VALUES (1, 0), (2, 1), (3, 2)');
    const table = (await conn.introspect()).tables.get('b')!;
    const read = async () => {
      const rows = [];
      for await (const row of conn.streamRows(table, table.columns)) rows.push(row);
      return rows;
    };
    await expect(read()).rejects.toThrow(/2 read from tinyint\(1\) column is not a boolean/);
  } finally {
    await conn.close();
    await db.drop();
  }
});
