/**
 * Verify of one tag set, with memory bounded by the number of objects (one number each per side), never by the
 * number of links: v3 (object, name) pairs — from the v3 database, or from the dump during verify's one pass over it
 * — against v4's through table joined to its tags. Names compare as Tagulous and the target's collation merge them
 * (case, and accents on MariaDB); besides, each v4 tag name must be one of the v3 spellings of its merged name,
 * exactly (a tag renamed in case only is a difference): the v3 spellings are kept as 64-bit hashes, and the v4 names are
 * read once more, one row per tag, when both sides are in. Tag counts are checked in SQL.
 */
import { hash53 } from '../convert/verify-key';
import { asSmallInteger, KeySet, smallIntegerKey } from './key-set';
import { objectIds } from './tag-import';
import type { ColumnInfo, DatabaseConnection, Dialect, SchemaInfo, TableInfo } from '../dialects/dialect';
import { PodMigrateError } from '../errors';
import type { ResolvedPlan, TagSet } from '../plan/types';
import { aggregateTagPairBatches, splitPodTagName } from '../tags';
import { renderFor } from './sql';
import type { TableVerdict } from './verify';

const SHOW_KEYS = 10;
const HASH_SPACE = 2 ** 52;
/** Object ids per page of digests: 8 KB. */
const PAGE_SIZE = 1024;

/**
 * A number per id. Integer ids (all of Pod's) key it in paged Float64Arrays (8 bytes per id of the pages used; NaN:
 * none), not a Map of id strings: at 100,000 videos two such Maps and the target's id Set held some 15 MB.
 */
class IdNumbers {
  private readonly pages = new Map<number, Float64Array>();
  /** Ids that are not small integers. */
  private readonly others = new Map<string, number>();

  /** `id`: its text, or the number a small integer id's text stands for (smallIntegerKey, asSmallInteger). */
  get(id: string | number): number | undefined {
    const n = typeof id === 'number' ? id : asSmallInteger(id);
    if (n === null) return this.others.get(id as string);
    const value = this.pages.get(Math.floor(n / PAGE_SIZE))?.[n % PAGE_SIZE];
    return value === undefined || Number.isNaN(value) ? undefined : value;
  }

  set(id: string | number, value: number): void {
    const n = typeof id === 'number' ? id : asSmallInteger(id);
    if (n === null) {
      this.others.set(id as string, value);
      return;
    }
    let page = this.pages.get(Math.floor(n / PAGE_SIZE));
    if (!page) {
      page = new Float64Array(PAGE_SIZE).fill(Number.NaN);
      this.pages.set(Math.floor(n / PAGE_SIZE), page);
    }
    page[n % PAGE_SIZE] = value;
  }

  /**
   * Every id and its number: integer ids ascending (as numbers: no text made and parsed back per object), then the
   * others in the order they came.
   */
  *entries(): Generator<[string | number, number]> {
    for (const pageNumber of [...this.pages.keys()].sort((a, b) => a - b)) {
      const page = this.pages.get(pageNumber)!;
      for (let slot = 0; slot < PAGE_SIZE; slot++) if (!Number.isNaN(page[slot])) yield [pageNumber * PAGE_SIZE + slot, page[slot]];
    }
    yield* this.others;
  }
}

/** A driver's id value as an IdNumbers key: a small integer as it is (no string per row), anything else as its text. */
function idKey(id: unknown): string | number {
  return smallIntegerKey(id, 'integer') ?? String(id);
}

/** Per object: an order-independent digest of its set of merged names (sum of their hashes), and the pair count. */
class NameSets {
  private readonly digests = new IdNumbers();
  pairs = 0;

  /** The object's merged names (each counted once); `objectId` as idKey gives it. */
  add(objectId: string | number, keys: Iterable<string>): void {
    let digest = this.digests.get(objectId) ?? 0;
    for (const key of new Set(keys)) {
      digest = plusName(digest, nameHash(key));
      this.pairs += 1;
    }
    this.digests.set(objectId, digest);
  }

  /** One pair: the object (a driver's value) and a merged name's hash (nameHash). */
  addPair(objectId: unknown, hash: number): void {
    const id = idKey(objectId);
    this.digests.set(id, plusName(this.digests.get(id) ?? 0, hash));
    this.pairs += 1;
  }

  get(objectId: string | number): number | undefined {
    return this.digests.get(objectId);
  }

  entries(): Generator<[string | number, number]> {
    return this.digests.entries();
  }
}

/** The named columns of a table, in that order (the plan's tag set names them; the schema has them). */
function columnsOf(table: TableInfo, names: string[]): ColumnInfo[] {
  return names.map((name) => {
    const column = table.columns.find((c) => c.name === name);
    if (!column) throw new PodMigrateError('SCHEMA_MISMATCH', `${table.name} has no column ${name}`, { place: { table: table.name } });
    return column;
  });
}

/** A merged name's term in an object's digest (below 2^52). */
function nameHash(key: string): number {
  return hash53(key) % HASH_SPACE;
}

/** An object's digest with one more name: both terms below 2^52, so the sum stays exact (below 2^53). */
function plusName(digest: number, hash: number): number {
  return (digest + hash) % HASH_SPACE;
}

export class TagSetCheck {
  private readonly source = new NameSets();
  /** The source's names split on commas (Pod's exporter's loss), when that loss is accepted. */
  private readonly split: NameSets | undefined;
  /**
   * Every v3 spelling (the pieces of comma-joined names too, when Pod's exporter's split is accepted). A v4 name must
   * be one of its merged name's v3 spellings: since a spelling's merged name is a function of it, that is being one
   * of the v3 spellings at all — one set of names, not a set per merged name (25,000 of them at 100,000 videos).
   * Kept as 64-bit hashes (KeySet), not strings: a v4 name spelled as in no v3 tag would pass only if its hash were
   * one of the v3 spellings' (about 25,000² / 2⁶⁴ ≈ 3·10⁻¹¹ at 100,000 videos).
   */
  private readonly spellings = new KeySet();
  private joined = false;
  /** The target's pairs. */
  private readonly targetSets = new NameSets();
  private badCounts = 0;
  /** The target's links whose tag is not in its tag table. */
  private linksToNoTag = 0;

  private constructor(
    readonly set: TagSet,
    private readonly tables: { tag: TableInfo; link: TableInfo },
    /** The target's objects. */
    private readonly present: KeySet,
    private readonly keyOfName: (name: string) => string,
    private readonly lossyAllowed: boolean,
  ) {
    this.split = lossyAllowed ? new NameSets() : undefined;
  }

  /** null when the target lacks one of the set's tables. */
  static async prepare(set: TagSet, target: DatabaseConnection, schema: SchemaInfo, lossyAllowed: boolean): Promise<TagSetCheck | null> {
    const tag = schema.tables.get(set.tagTable);
    const link = schema.tables.get(set.linkTable);
    const object = schema.tables.get(set.objectTable);
    if (!tag || !link || !object) return null;
    const dialect = target.dialect;
    const fold = dialect.uniqueFold(tag.columns.find((c) => c.name === 'name')?.collation ?? null);
    const present = new KeySet();
    for await (const id of objectIds(target, dialect, object)) present.add(idKey(id));
    return new TagSetCheck(set, { tag, link }, present, (name) => fold(name.toUpperCase()), lossyAllowed);
  }

  private addSource(objectId: unknown, names: string[]): void {
    const id = idKey(objectId);
    if (!this.present.has(id)) return;
    this.source.add(id, names.map(this.keyOfName));
    for (const name of names) this.spellings.add(name);
    if (this.split) {
      const pieces = names.flatMap((n) => splitPodTagName(n));
      for (const n of pieces) this.spellings.add(n);
      this.split.add(id, pieces.map(this.keyOfName));
    }
  }

  /** A row of the set's dump pseudo-table (exact `tag_names`, or Pod's comma-joined `tag_name`). */
  observeDumpRow(row: Record<string, unknown>): void {
    const names = Array.isArray(row.tag_names) ? (row.tag_names as string[]) : splitPodTagName(String(row.tag_name ?? ''));
    if (!Array.isArray(row.tag_names)) this.joined = true;
    this.addSource(row[this.set.objectColumn], names);
  }

  /** With a v3 database (`schema`: its tables): its pairs, through the plan's query (the export's). */
  async readSourceDb(plan: ResolvedPlan, source: DatabaseConnection, schema: SchemaInfo): Promise<boolean> {
    if (!schema.tables.has('tagging_taggeditem')) return false;
    const { sql, params } = renderFor(plan, this.set.query, source, this.set.params ?? {});
    for await (const { objectId, names } of aggregateTagPairBatches(source.streamQueryBatches(sql, params)))
      this.addSource(objectId, names);
    return true;
  }

  /**
   * Reads the target's pairs (while the source's are read); its names are checked against the v3 spellings in `judge`.
   * Each tag's merged name is hashed once, from the tag table; the through table gives a pair as two ids. Both are
   * read as tables, a batch at a time (COPY on PostgreSQL): at 20,000 videos, 59,000 pairs for 5,000 tags, where a
   * row at a time through a join cost a promise, a row object and a name per pair.
   */
  async readTarget(target: DatabaseConnection): Promise<void> {
    const { set } = this;
    const { tag, link } = this.tables;
    const dialect: Dialect = target.dialect;
    const q = (n: string) => dialect.quoteIdent(n);
    const tagRef = dialect.tableRef(tag.name);
    const linkRef = dialect.tableRef(link.name);
    const hashOfTag = new IdNumbers();
    for await (const batch of target.streamRowBatches(tag, columnsOf(tag, ['id', 'name'])))
      for (const [id, name] of batch) hashOfTag.set(idKey(id), nameHash(this.keyOfName(String(name))));
    for await (const batch of target.streamRowBatches(link, columnsOf(link, [set.linkObjectColumn, set.linkTagColumn]))) {
      for (const [objectId, tagId] of batch) {
        const hash = hashOfTag.get(idKey(tagId));
        // A link to no tag: its foreign key forbids it; counted, and the set then differs.
        if (hash === undefined) this.linksToNoTag += 1;
        else this.targetSets.addPair(objectId, hash);
      }
    }
    // Each tag's links counted once, in one pass over the through table: a subquery per tag took PostgreSQL 166 ms
    // for the 18,000 tags of a 20,000-video site (14 ms this way; MariaDB about as fast either way).
    const linkTag = `l.${q(set.linkTagColumn)}`;
    const [badCounts] = await target.query(
      `SELECT COUNT(*) AS n FROM ${tagRef} t ` +
        `LEFT JOIN (SELECT ${linkTag} AS tag_id, COUNT(*) AS links FROM ${linkRef} l GROUP BY ${linkTag}) k ON k.tag_id = t.${q('id')} ` +
        `WHERE t.${q('count')} <> COALESCE(k.links, 0)`,
    );
    this.badCounts = Number(badCounts.n);
  }

  /**
   * The target's linked tag names spelled as in no v3 tag (a tag renamed in case only): how many, and the first few
   * with the lowest object each tags. One row per tag, read once both sides are in.
   */
  private async misspelledNames(target: DatabaseConnection): Promise<{ count: number; names: string[]; objects: string[] }> {
    const { dialect } = target;
    const q = (n: string) => dialect.quoteIdent(n);
    const batches = target.streamQueryBatches(
      `SELECT t.${q('name')} AS name, MIN(l.${q(this.set.linkObjectColumn)}) AS object_id ` +
        `FROM ${dialect.tableRef(this.tables.link.name)} l JOIN ${dialect.tableRef(this.tables.tag.name)} t ` +
        `ON t.${q('id')} = l.${q(this.set.linkTagColumn)} GROUP BY t.${q('id')}, t.${q('name')} ORDER BY t.${q('id')}`,
    );
    const found = { count: 0, names: [] as string[], objects: [] as string[] };
    for await (const batch of batches) {
      for (const row of batch) {
        const name = String(row.name);
        if (this.spellings.has(name)) continue;
        found.count += 1;
        if (found.names.length < SHOW_KEYS) {
          found.names.push(name);
          found.objects.push(String(row.object_id));
        }
      }
    }
    return found;
  }

  /** The verdict, once both sides are read (`readTarget`, and `readSourceDb` or the dump's rows). */
  async judge(target: DatabaseConnection): Promise<TableVerdict> {
    const { set, targetSets } = this;
    const sourceRows = this.source.pairs;
    const targetRows = targetSets.pairs;
    const table = `${set.linkTable} (tags)`;
    const differing = differingObjects(this.source, targetSets);
    if (this.linksToNoTag > 0)
      return { table, status: 'differs', sourceRows, targetRows, detail: `${this.linksToNoTag} link(s) to a tag the tag table lacks` };
    if (this.badCounts > 0)
      return {
        table,
        status: 'differs',
        sourceRows,
        targetRows,
        detail: `${this.badCounts} tag(s) whose count is not their number of objects`,
      };
    // The names are read again (one row per tag) only when the pairs agree, or may be Pod's exporter's split.
    if (differing.length === 0) {
      const misspelled = await this.misspelledNames(target);
      if (misspelled.count > 0)
        return {
          table,
          status: 'differs',
          sourceRows,
          targetRows,
          detail: `${misspelled.count} tag name(s) spelled as in no v3 tag: ${misspelled.names.map((n) => JSON.stringify(n)).join(', ')}`,
          keys: misspelled.objects,
        };
      return {
        table,
        status: this.joined ? 'lossy' : 'ok',
        sourceRows,
        targetRows,
        detail: this.joined
          ? 'compared with comma-joined names (Pod exporter dump): a tag containing a comma cannot be told from two tags'
          : undefined,
      };
    }
    // A v3 name containing a comma becomes several v4 tags when the dump only had Pod's joined string.
    if (
      this.lossyAllowed &&
      this.split &&
      differingObjects(this.split, targetSets).length === 0 &&
      (await this.misspelledNames(target)).count === 0
    ) {
      return {
        table,
        status: 'lossy',
        sourceRows,
        targetRows,
        detail: `${differing.length} object(s) whose tag names contained commas were split (comma-joined tag names in Pod's exporter dump)`,
        keys: differing.slice(0, SHOW_KEYS),
      };
    }
    return {
      table,
      status: 'differs',
      sourceRows,
      targetRows,
      detail: `${differing.length} object(s) with different tags`,
      keys: differing.slice(0, SHOW_KEYS),
    };
  }
}

function differingObjects(a: NameSets, b: NameSets): string[] {
  const ids: string[] = [];
  for (const [id, digest] of a.entries()) if (b.get(id) !== digest) ids.push(String(id));
  for (const [id] of b.entries()) if (a.get(id) === undefined) ids.push(String(id));
  return ids;
}
