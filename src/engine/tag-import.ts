/**
 * Rebuilds one Tagulous tag set (tag table + through table) from the dump's pseudo-table, set-based and in
 * bulk, inside the caller's transaction: exact name lists when the dump has them (`tag_names`, ours), else
 * Pod's comma-joined `tag_name` split on commas (never on spaces).
 */
import type { CanonicalValue } from '../convert/logical-types';
import type { Dialect, ImportTransaction, Queryable, TableInfo } from '../dialects/dialect';
import { brief } from '../convert/dump-values';
import { PodMigrateError } from '../errors';
import type { TagSet } from '../plan/types';
import { formatTagBuildExamples, splitPodTagName, type TaggedObject, TaggedObjectStore, type TagLinkRow, TagTableBuilder } from '../tags';

export interface TagSetResult {
  set: string;
  objects: number;
  tags: number;
  links: number;
  /** Objects named by the dump that the target does not hold (tagged items of deleted objects). */
  missingObjects: number;
  /** true when the dump only had Pod's comma-joined strings (a name containing a comma was split). */
  fromJoinedNames: boolean;
  /** Spellings stored under another spelling's tag (case, or the target's collation: "élève" = "eleve" on MariaDB). */
  spellingsMerged: number;
  slugCollisions: number;
  examples: { merged: string[]; slugCollisions: string[] };
}

/**
 * Tag and through-table rows per insert call: few enough that the row arrays are written before a young-generation
 * collection moves them to the old one (slices of 20,000 all got there: garbage that grew the heap).
 */
const LINK_SLICE = 512;
/** Object ids per query: the transaction has no streaming read, and 100,000 row objects at once were the tag step's peak. */
const ID_PAGE = 10_000;

/** The object table's ids, by pages in key order (keyset pagination on the primary key). */
export async function* objectIds(tx: Queryable, dialect: Dialect, objectTable: TableInfo, pageSize = ID_PAGE): AsyncGenerator<unknown> {
  const id = dialect.quoteIdent(objectTable.primaryKey[0] ?? 'id');
  let last: unknown;
  for (;;) {
    const after = last === undefined ? '' : ` WHERE ${id} > ${dialect.placeholder(1)}`;
    const rows = await tx.query(
      `SELECT ${id} AS id FROM ${dialect.tableRef(objectTable.name)}${after} ORDER BY ${id} LIMIT ${pageSize}`,
      last === undefined ? [] : [last],
    );
    for (const row of rows) yield row.id;
    if (rows.length < pageSize) return;
    last = rows[rows.length - 1].id;
  }
}

export class TagSetImport {
  /** The dump's tagged objects and names, compact (interned names, integer pairs): see TaggedObjectStore. */
  private readonly objects = new TaggedObjectStore();
  private joinedRows = 0;

  constructor(
    readonly set: TagSet,
    readonly tagTable: TableInfo,
    readonly linkTable: TableInfo,
  ) {}

  observeDumpRow(row: Record<string, unknown>, rowNumber: number): void {
    const place = { table: this.set.dumpTable, row: rowNumber };
    const raw = row[this.set.objectColumn];
    // Ids beyond 2^53 arrive from the dump reader as bigint: kept exact, as decimal text.
    const objectId = typeof raw === 'bigint' ? raw.toString() : raw;
    if (!(typeof objectId === 'number' && Number.isSafeInteger(objectId)) && !(typeof objectId === 'string' && /^\d+$/.test(objectId))) {
      throw new PodMigrateError('DUMP_INVALID', `${this.set.objectColumn} must be an object id, found ${brief(objectId)}`, {
        place: { ...place, column: this.set.objectColumn },
      });
    }
    let names: string[];
    if (Array.isArray(row.tag_names)) {
      if (!row.tag_names.every((n) => typeof n === 'string')) {
        throw new PodMigrateError('DUMP_INVALID', 'tag_names must be a list of strings', { place: { ...place, column: 'tag_names' } });
      }
      names = row.tag_names as string[];
    } else if (typeof row.tag_name === 'string') {
      names = splitPodTagName(row.tag_name);
      this.joinedRows += 1;
    } else {
      throw new PodMigrateError('DUMP_INVALID', 'a tag row needs tag_names (a list) or tag_name (a string)', { place });
    }
    this.objects.add(objectId, names);
  }

  get objectCount(): number {
    return this.objects.size;
  }

  /** The tagged objects the dump rows named so far, with their tag names, by ascending id (as the builder wants). */
  get taggedObjects(): Iterable<TaggedObject> {
    return this.objects.ascending();
  }

  /**
   * Deletes the set's rows: through-table rows before tag rows (their foreign key points at the tags). `dumpRows`, the
   * dump's rows of the set (one per tagged object, so at least as many links), is deleteAll's hint for the links.
   */
  async clear(tx: ImportTransaction, dumpRows?: number): Promise<void> {
    await tx.deleteAll(this.linkTable, dumpRows);
    await tx.deleteAll(this.tagTable);
  }

  async write(tx: ImportTransaction, dialect: Dialect, objectTable: TableInfo): Promise<TagSetResult> {
    const present = new Uint8Array(this.objects.size);
    for await (const id of objectIds(tx, dialect, objectTable)) {
      const index = this.objects.indexOf(id);
      if (index !== undefined) present[index] = 1;
    }
    let kept = 0;
    const nameColumn = this.tagTable.columns.find((c) => c.name === 'name');
    // Through rows are written as they are made, a slice at a time, before the tag rows (whose counts are known only
    // at the end): the transaction's foreign keys are relaxed (relaxForeignKeys), and keeping 300,000 links until
    // the end was 4 MB of the 100,000-video import's peak. A name Tagulous could not store is found at the end and
    // refused there: the transaction rolls back what was written.
    const linkValues: Record<string, (link: TagLinkRow) => CanonicalValue> = {
      id: (link) => link.id,
      [this.set.linkObjectColumn]: (link) => link.objectId,
      [this.set.linkTagColumn]: (link) => link.tagId,
    };
    const linkColumns = this.linkTable.columns.map((c) => pick(linkValues, c.name, this.linkTable.name));
    let slice: CanonicalValue[][] = [];
    const builder = new TagTableBuilder({
      fold: dialect.uniqueFold(nameColumn?.collation ?? null),
      onLink: (link) => slice.push(linkColumns.map((value) => value(link))),
    });
    for (const object of this.objects.ascending((index) => present[index] === 1)) {
      kept += 1;
      builder.add(object);
      if (slice.length >= LINK_SLICE) {
        await tx.insertRows(this.linkTable, this.linkTable.columns, slice);
        slice = [];
      }
    }
    if (slice.length > 0) await tx.insertRows(this.linkTable, this.linkTable.columns, slice);
    const built = builder.finish();
    if (built.stats.errors.length > 0) {
      const first = built.stats.errors[0];
      throw new PodMigrateError(
        'VALUE_INVALID',
        `tag set ${this.set.name}: object ${first.objectId}, tag ${JSON.stringify(first.name)}: ${first.message}`,
        {
          place: { table: this.tagTable.name, column: 'name', row: String(first.objectId) },
        },
      );
    }
    const tagValues: Record<string, (t: (typeof built.tags)[number]) => CanonicalValue> = {
      id: (t) => t.id,
      name: (t) => t.name,
      slug: (t) => t.slug,
      count: (t) => t.count,
      protected: (t) => t.protected,
    };
    const tagColumns = this.tagTable.columns.map((c) => pick(tagValues, c.name, this.tagTable.name));
    for (let start = 0; start < built.tags.length; start += LINK_SLICE) {
      const rows = built.tags.slice(start, start + LINK_SLICE).map((t) => tagColumns.map((value) => value(t)));
      await tx.insertRows(this.tagTable, this.tagTable.columns, rows);
    }
    return {
      set: this.set.name,
      objects: kept,
      tags: built.tags.length,
      links: built.stats.linksCreated,
      missingObjects: this.objects.size - kept,
      fromJoinedNames: this.joinedRows > 0,
      spellingsMerged: built.stats.spellingsMerged,
      slugCollisions: built.stats.slugCollisions,
      examples: formatTagBuildExamples(built.stats),
    };
  }
}

function pick<T>(values: Record<string, (x: T) => CanonicalValue>, column: string, table: string): (x: T) => CanonicalValue {
  const value = values[column];
  if (!value) {
    throw new PodMigrateError(
      'SCHEMA_MISMATCH',
      `Tagulous table ${table} has a column ${column} that pod-migrate does not know how to fill`,
      { place: { table, column } },
    );
  }
  return value;
}
