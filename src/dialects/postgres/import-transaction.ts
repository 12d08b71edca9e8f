/**
 * The import transaction, on a node-postgres client of its own (the sanctioned exception to slonik): COPY FROM STDIN
 * needs the driver's client, and slonik does not hand it out. One BEGIN … COMMIT on that client carries everything.
 *
 * Foreign keys the way PostgreSQL's "Populating a Database" recommends for bulk loads: the constraints touching a
 * table are dropped (inside the transaction) before its rows are deleted or loaded, and added back before COMMIT,
 * where each is validated by one set-based query instead of a deferred trigger event per row. The engine has
 * already checked every foreign key as sets (orphans.ts); re-adding them is PostgreSQL's own proof of it. Indexes
 * the same way ("Remove Indexes"): a table about to receive many rows loads without its secondary indexes, which are
 * built again before COMMIT, before the foreign keys.
 */
import pg from 'pg';
import type { CanonicalValue } from '../../convert/logical-types';
import { PodMigrateError } from '../../errors';
import type { ColumnInfo, ImportTransaction, Row, TableInfo } from '../dialect';
import type { ConnectionSettings } from '../url';
import { RAW_TEXT_TYPES } from './codec';
import { CopyWriter } from './copy-insert';
import { findServerError, mapPostgresError } from './errors';
import { qualifiedTable, quoteIdent } from './quote';
import { scalarParam } from './query';
import { moveSequencesPastMax } from './sequences';

/** The pool's type parsers (see connection.ts): these types arrive as the server's text. */
const RAW_OIDS = new Set(RAW_TEXT_TYPES.map((name) => (pg.types.builtins as Record<string, number>)[name.toUpperCase()]));
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    RAW_OIDS.has(oid) ? (value: string) => value : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function pgParam(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(pgParam);
  return scalarParam(value);
}

/**
 * From this many rows to load, a table's secondary indexes are set aside during its COPY and built again before
 * COMMIT: 400,000 view counts took PostgreSQL 2.1–2.4 s to COPY with their index on video_id, 1.3–1.4 s without it
 * plus 0.1 s to build it after.
 */
const SET_ASIDE_INDEXES_FROM_ROWS = 20_000;
/** From this many rows, deleteAll empties a table by TRUNCATE. */
const TRUNCATE_FROM_ROWS = 1000;
/** insufficient_privilege; feature_not_supported ("cannot truncate a table referenced in a foreign key constraint"). */
const TRUNCATE_REFUSED = new Set(['42501', '0A000']);

interface ForeignKey {
  name: string;
  child: string;
  parent: string;
  definition: string;
}

/** A secondary index set aside during a table's load: its table, name, and `CREATE INDEX` statement. */
interface SetAsideIndex {
  table: string;
  name: string;
  definition: string;
}

/**
 * The indexes a load may do without and that their definition alone builds again: not unique (a duplicate key is
 * refused at its row, by the unique indexes kept), not behind a constraint, valid, not the replica identity nor the
 * table's CLUSTER index, in the default tablespace (pg_get_indexdef does not name one).
 */
const SECONDARY_INDEXES = `
  SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
   WHERE n.nspname = 'public' AND t.relname = $1
     AND NOT x.indisunique AND NOT x.indisprimary AND NOT x.indisexclusion AND x.indisvalid AND x.indisready
     AND NOT x.indisreplident AND NOT x.indisclustered AND i.reltablespace = 0
     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
   ORDER BY i.relname`;

class ClientImportTransaction implements ImportTransaction {
  /** Every foreign key it dropped is added back and validated before COMMIT (the others are deferred to COMMIT). */
  readonly checksForeignKeysBeforeCommit = true;
  /** Foreign keys of the public schema (after relaxForeignKeys), and those dropped so far, to add back before COMMIT. */
  private foreignKeys: ForeignKey[] = [];
  private readonly dropped: ForeignKey[] = [];
  /** Indexes set aside (deleteAll's rowsToLoad), to build again before COMMIT. */
  private readonly setAside: SetAsideIndex[] = [];
  /** Tables this transaction holds an exclusive lock on already (emptied, or a foreign key of theirs dropped). */
  private readonly locked = new Set<string>();
  /** The table being loaded: its COPY stays open until another statement needs the connection. */
  private copy: CopyWriter | null = null;

  constructor(
    private readonly client: pg.Client,
    private readonly settings: ConnectionSettings,
  ) {}

  /** Ends the open COPY (if any): its rows are then written, or its error thrown. */
  async endCopy(): Promise<void> {
    const copy = this.copy;
    this.copy = null;
    await copy?.end();
  }

  /** After an error: the open COPY (if any) abandoned, so that ROLLBACK can run. */
  async abortCopy(): Promise<void> {
    const copy = this.copy;
    this.copy = null;
    await copy?.abort();
  }

  async query(sqlText: string, params: readonly unknown[] = []): Promise<Row[]> {
    await this.endCopy();
    try {
      return (await this.client.query(sqlText, params.map(pgParam))).rows as Row[];
    } catch (error) {
      throw mapPostgresError(error, { action: 'query failed', settings: this.settings });
    }
  }

  async relaxForeignKeys(): Promise<void> {
    // Django declares its foreign keys DEFERRABLE INITIALLY DEFERRED: those not dropped are checked at COMMIT.
    await this.query('SET CONSTRAINTS ALL DEFERRED');
    this.foreignKeys = (await this.query(
      `SELECT c.conname AS name, child.relname AS child, parent.relname AS parent, pg_get_constraintdef(c.oid) AS definition
         FROM pg_constraint c
         JOIN pg_class child ON child.oid = c.conrelid
         JOIN pg_namespace cn ON cn.oid = child.relnamespace
         JOIN pg_class parent ON parent.oid = c.confrelid
         JOIN pg_namespace pn ON pn.oid = parent.relnamespace
        WHERE c.contype = 'f' AND cn.nspname = 'public' AND pn.nspname = 'public'
        ORDER BY child.relname, c.conname`,
    )) as unknown as ForeignKey[];
  }

  /** Drops the foreign keys from or to `table` not dropped yet (only after relaxForeignKeys). */
  private async dropForeignKeys(table: string): Promise<void> {
    const touching = this.foreignKeys.filter((fk) => fk.child === table || fk.parent === table);
    if (touching.length === 0) return;
    this.foreignKeys = this.foreignKeys.filter((fk) => !touching.includes(fk));
    for (const fk of touching) {
      try {
        await this.client.query(`ALTER TABLE ${qualifiedTable(fk.child)} DROP CONSTRAINT ${quoteIdent(fk.name)}`);
      } catch (error) {
        // Dropping it locks both of its tables; a lock timeout names the one this transaction did not hold yet.
        const waitedFor = [fk.child, fk.parent].filter((t) => !this.locked.has(t));
        const place = { table: waitedFor.length === 1 ? waitedFor[0] : table };
        throw mapPostgresError(error, { action: `emptying ${table}`, settings: this.settings, place });
      }
      this.locked.add(fk.child).add(fk.parent);
      this.dropped.push(fk);
    }
    this.locked.add(table);
  }

  /**
   * Builds the indexes set aside, then adds back every dropped foreign key, as it was (same name, same definition):
   * PostgreSQL validates each.
   */
  async restoreBeforeCommit(): Promise<void> {
    await this.endCopy();
    await this.runEach(this.setAside, (index) => ({
      statement: index.definition,
      action: `building the index ${index.name} of ${index.table} again`,
      table: index.table,
    }));
    await this.runEach(this.dropped, (fk) => ({
      statement: `ALTER TABLE ${qualifiedTable(fk.child)} ADD CONSTRAINT ${quoteIdent(fk.name)} ${fk.definition}`,
      action: `checking the foreign key ${fk.name} of ${fk.child}`,
      table: fk.child,
    }));
  }

  /** Runs each pending item's statement in turn, taking it off the list once done; a failure names its action and table. */
  private async runEach<T>(pending: T[], what: (item: T) => { statement: string; action: string; table: string }): Promise<void> {
    while (pending.length > 0) {
      const { statement, action, table } = what(pending[0]);
      try {
        await this.client.query(statement);
      } catch (error) {
        throw mapPostgresError(error, { action, settings: this.settings, place: { table } });
      }
      pending.shift();
    }
  }

  /**
   * A table holding many rows is emptied by TRUNCATE (transactional in PostgreSQL, unlike MySQL), which gives it new,
   * empty files: DELETE only marks its rows dead, and the rows loaded next go in beside them, into indexes that keep
   * their entries until a VACUUM (four imports of 20,000 videos into one target: 7.8, 10.4, 11.4, 12.0 s; now 7.7,
   * 8.1, 7.2, 8.2 s). A small or empty table keeps DELETE: TRUNCATE creates files for the table and each index
   * (about 2 ms a table). Where TRUNCATE is refused (no TRUNCATE privilege, a foreign key from another schema), DELETE.
   */
  async deleteAll(table: TableInfo, rowsToLoad = 0): Promise<number> {
    await this.endCopy();
    await this.dropForeignKeys(table.name);
    const name = qualifiedTable(table.name);
    try {
      const rows = Number((await this.client.query(`SELECT count(*) AS n FROM ${name}`)).rows[0].n);
      const deleted =
        rows >= TRUNCATE_FROM_ROWS && (await this.truncated(name))
          ? rows
          : ((await this.client.query(`DELETE FROM ${name}`)).rowCount ?? 0);
      if (rowsToLoad >= SET_ASIDE_INDEXES_FROM_ROWS) await this.setAsideIndexes(table.name);
      return deleted;
    } catch (error) {
      throw mapPostgresError(error, { action: `emptying ${table.name}`, settings: this.settings, place: { table: table.name } });
    }
  }

  /** Drops the table's secondary indexes (SECONDARY_INDEXES), kept to be built again by restoreBeforeCommit. */
  private async setAsideIndexes(table: string): Promise<void> {
    const indexes = (await this.client.query(SECONDARY_INDEXES, [table])).rows as Array<{ name: string; definition: string }>;
    if (indexes.length === 0) return;
    // An index lives in its table's schema: qualified as the table is.
    await this.client.query(`DROP INDEX ${indexes.map((i) => qualifiedTable(i.name)).join(', ')}`);
    for (const index of indexes) this.setAside.push({ table, ...index });
  }

  /** TRUNCATE in a savepoint; false (the savepoint rolled back) when the server refuses it for a reason DELETE has not. */
  private async truncated(name: string): Promise<boolean> {
    await this.client.query('SAVEPOINT pod_migrate_truncate');
    try {
      await this.client.query(`TRUNCATE ONLY ${name}`);
    } catch (error) {
      if (!TRUNCATE_REFUSED.has(findServerError(error)?.code ?? '')) throw error;
      await this.client.query('ROLLBACK TO SAVEPOINT pod_migrate_truncate');
      return false;
    } finally {
      await this.client.query('RELEASE SAVEPOINT pod_migrate_truncate').catch(() => undefined);
    }
    return true;
  }

  /**
   * Rows go into the table's open COPY (opened on the first batch): returned as written once handed to the server;
   * the server's count is checked when the COPY ends (before any other statement, and before COMMIT).
   */
  async insertRows(table: TableInfo, columns: ColumnInfo[], rows: CanonicalValue[][]): Promise<number> {
    if (rows.length === 0) return 0;
    if (!this.copy?.accepts(table, columns)) {
      await this.endCopy();
      await this.dropForeignKeys(table.name);
      this.copy = new CopyWriter(this.client, table, columns);
    }
    return this.copy.write(rows);
  }

  async advanceSequences(tables: TableInfo[]): Promise<void> {
    await this.endCopy();
    // Inside the transaction: its max() sees the rows just written, and setval stays even if COMMIT never comes.
    await moveSequencesPastMax((text, params) => this.client.query(text, params.map(pgParam)), tables, this.settings);
  }
}

/**
 * Runs `work` in one transaction on a new client: COMMIT (after the foreign keys are back) when it resolves, ROLLBACK
 * when it throws; the client is closed either way (closing it also rolls back, e.g. on Ctrl-C).
 */
export async function clientTransaction<T>(
  config: pg.ClientConfig,
  settings: ConnectionSettings,
  work: (tx: ImportTransaction) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ ...config, types });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw mapPostgresError(error, { action: `cannot connect to ${settings.displayName}`, settings });
  }
  const tx = new ClientImportTransaction(client, settings);
  try {
    await client.query('BEGIN');
    const result = await work(tx);
    await tx.restoreBeforeCommit();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await tx.abortCopy().catch(() => undefined);
    await client.query('ROLLBACK').catch(() => undefined);
    // Errors of the work itself pass unchanged; the database's own (COMMIT: deferred foreign keys) get mapped here.
    if (!(error instanceof PodMigrateError) && findServerError(error)) {
      throw mapPostgresError(error, { action: 'the import transaction failed', settings });
    }
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
