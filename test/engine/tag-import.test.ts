import { connect } from '../../src/dialects';
import type { TableInfo } from '../../src/dialects/dialect';
import { objectIds } from '../../src/engine/tag-import';
import { createTestDatabase, DIALECTS } from '../helpers/databases';

describe.each(DIALECTS)('the tag rebuild reads the object ids by pages (%s)', (dialect) => {
  it('gives every id once, ascending, across pages of any size', async () => {
    const db = await createTestDatabase(dialect, 'tagids');
    const conn = await connect(db.settings);
    try {
      await db.exec('CREATE TABLE obj (id int PRIMARY KEY)');
      const ids = Array.from({ length: 25 }, (_, i) => i * 3 + 1);
      await db.exec(`INSERT INTO obj (id) VALUES ${ids.map((id) => `(${id})`).join(', ')}`);
      const table = { name: 'obj', primaryKey: ['id'] } as unknown as TableInfo;
      for (const pageSize of [10, 5, 25, 100]) {
        const read: number[] = [];
        await conn.transaction(async (tx) => {
          for await (const id of objectIds(tx, conn.dialect, table, pageSize)) read.push(Number(id));
        });
        expect(read).toEqual(ids);
      }
    } finally {
      await conn.close();
      await db.drop();
    }
  });
});
