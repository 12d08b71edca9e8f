/** A parent and a child table joined by a foreign key, two rows each, in SQL both dialects take: for transaction tests. */
import type { DatabaseConnection, TableInfo } from '../../src/dialects/dialect';
import type { TestDatabase } from './databases';

const PARENT_CHILD = `
  CREATE TABLE parent (id int PRIMARY KEY, name varchar(20) NOT NULL UNIQUE);
  CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL, FOREIGN KEY (parent_id) REFERENCES parent (id));
  INSERT INTO parent VALUES (1, 'one'), (2, 'two');
  INSERT INTO child VALUES (10, 1), (20, 2);`;

/** Creates the two tables in `db` and returns them as `conn` introspects them. */
export async function parentAndChild(db: TestDatabase, conn: DatabaseConnection): Promise<{ parent: TableInfo; child: TableInfo }> {
  await db.exec(PARENT_CHILD);
  const schema = await conn.introspect();
  return { parent: schema.tables.get('parent')!, child: schema.tables.get('child')! };
}
