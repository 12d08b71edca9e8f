/**
 * Turns django-tagging data (each object's list of tag names) into the rows Tagulous 2.1.0 would write into Pod 4.0's
 * tag model (`video_tagulous_video_tags`, `recorder_tagulous_recorder_tags`) and its M2M through table
 * (`video_video_tags`, `recorder_recorder_tags`) if an importer processed the objects by ascending id and did, for
 * each one, `obj.tags = sorted(names)` (a list: `set_tag_list`, no string parsing) then `obj.tags.save()` on a
 * target whose tag tables start empty (or hold `options.existing`).
 *
 * What Tagulous 2.1.0 does there, and how it is reproduced (tagulous/models/managers.py, tagulous/models/models.py):
 * - `set_tag_list` builds `dict((name.lower(), name) for name in names)`: within one object, names equal after
 *   Python's `str.lower()` count once, in the position of the first one but with the spelling of the LAST one.
 * - each remaining name is looked up with `name__iexact` (case_sensitive=False) and, if absent, created by
 *   `get_or_create(name__iexact=name, defaults={"name": name, "protected": False})`: the first spelling stored wins
 *   for every later spelling that matches case-insensitively. Django's iexact is `UPPER(a) = UPPER(b)` on PostgreSQL
 *   and a collation `LIKE` on MySQL/MariaDB; it is modelled by `caseInsensitiveKey` (per code point lower(upper(c)))
 *   OR, for the target's UNIQUE(name), by `options.fold`: a name reuses a tag when either key matches, so no two
 *   stored names ever collide in the target's unique index.
 * - `TagModel.save` sets `slug = slugify(name)` ("_" when empty) cut to 50; when that is taken it retries with
 *   `slug_base[:45] + "_" + N`, N = 1 + the highest integer suffix among the slugs matching `^<base>_[0-9]+$` (1 when
 *   none). Since 1.3.3 (#152) the highest suffix is the numeric maximum, not the last one in string order.
 * - `add(tag)` inserts one through row per tag, in list order, and `tag.increment()` adds 1 to `count`; a tag
 *   already on the object is not added twice. `protected` stays False.
 */
import { PodMigrateError } from '../errors';
import { TAGULOUS_NAME_MAX_LENGTH, TAGULOUS_SLUG_MAX_LENGTH, tagulousSlug, tagulousSlugCollisionBase } from './slugify';

/** A tagged object's primary key (`video_video.id`, `recorder_recorder.id`): a non-negative integer, or its decimal string. */
export type ObjectId = number | string;

/** One tagged object and the names of its tags (any order, duplicates allowed). */
export interface TaggedObject {
  objectId: ObjectId;
  names: readonly string[];
}

/** A tag already present in the target tag table (reused by name, its slug reserved). */
export interface ExistingTag {
  id: number;
  name: string;
  slug: string;
}

export interface BuildTagTablesOptions {
  /**
   * How the target database compares `name` in its UNIQUE index: two names collide iff their folds are equal
   * (PostgreSQL: identity; MariaDB `utf8mb4_general_ci`: case and accents folded). See `Dialect.uniqueFold`.
   */
  fold: (text: string) => string;
  /** Tags already in the target table. New tag ids start after the highest of their ids. */
  existing?: Iterable<ExistingTag>;
  /** First id for new tags (default 1, or the highest existing id + 1, whichever is larger). */
  firstTagId?: number;
  /** First id for through rows (default 1). */
  firstLinkId?: number;
  /** How many examples the stats keep per kind (default 10). */
  exampleLimit?: number;
  /**
   * Receives each through row as it is made (ids ascending) instead of the builder keeping it in `links`, which
   * then stays empty: a caller can write them as they come rather than keep 500k link objects.
   */
  onLink?: (link: TagLinkRow) => void;
}

/** A row of the Tagulous tag model (`id, name, slug, count, protected`). */
export interface TagRow {
  id: number;
  name: string;
  slug: string;
  count: number;
  protected: false;
}

/** A row of the M2M through table (`id, <object>_id, tagulous_<object>_tags_id`). */
export interface TagLinkRow {
  id: number;
  objectId: ObjectId;
  tagId: number;
}

export type TagBuildErrorCode = 'NAME_TOO_LONG' | 'SLUG_TOO_LONG';

/** A name Tagulous could not store; the caller must refuse to write the tables while there are any. */
export interface TagBuildError {
  code: TagBuildErrorCode;
  /** The first object carrying the name. */
  objectId: ObjectId;
  name: string;
  message: string;
  /** How many objects carry the name. */
  occurrences: number;
}

export interface MergedSpellingExample {
  /** The spelling found on the object. */
  name: string;
  /** The stored tag it was merged into (an earlier spelling). */
  tagName: string;
  tagId: number;
  objectId: ObjectId;
}

export interface SlugCollisionExample {
  name: string;
  /** The slug Tagulous wanted (`slugify(name)[:50]`, or "_"). */
  wanted: string;
  /** The name of the earlier tag holding that slug. */
  takenBy: string;
  /** The slug given instead (`base[:45]_N`). */
  slug: string;
}

export interface TagBuildStats {
  /** Objects (records) processed. */
  objects: number;
  /** Objects that got at least one link. */
  objectsWithTags: number;
  /** Names received (before any deduplication). */
  namesIn: number;
  /** Empty or whitespace-only names, dropped (django-tagging never stores them). */
  emptyNames: number;
  tagsCreated: number;
  /** Distinct `existing` tags that received links. */
  existingTagsUsed: number;
  linksCreated: number;
  /** Names that produced no link of their own because the object already had that tag (same name, other case, or folded). */
  duplicateNamesMerged: number;
  /** Distinct (spelling, tag) pairs where a spelling was stored under another spelling's tag. */
  spellingsMerged: number;
  mergedSpellingExamples: MergedSpellingExample[];
  /** Tags whose slug needed an `_N` suffix. */
  slugCollisions: number;
  slugCollisionExamples: SlugCollisionExample[];
  errors: TagBuildError[];
}

export interface TagTables {
  /** New tags, ids ascending (creation order). */
  tags: TagRow[];
  /** Through rows, ids ascending: objects ascending, then the object's tags in Tagulous's order (empty with `onLink`). */
  links: TagLinkRow[];
  /** `count` increments for `existing` tags that received links. */
  existingCountIncrements: Array<{ id: number; increment: number }>;
  stats: TagBuildStats;
}

// ----------------------------------------------------------------------------------------------------------------
// String helpers
// ----------------------------------------------------------------------------------------------------------------

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/**
 * Compares two strings by Unicode code point, as Python's `sorted()` does (JavaScript's `<` compares UTF-16 code
 * units, which puts U+E000..U+FFFF after astral characters).
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Move surrogates (astral code points) above U+E000..U+FFFF.
      x = x <= 0xdfff ? x + 0x2000 : x - 0x800;
      y = y <= 0xdfff ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Python's `str.lower()` (full Unicode lowercase mapping, final sigma included): what `set_tag_list` keys on. */
export function pythonLower(name: string): string {
  return name.toLowerCase();
}

/**
 * A robust case-insensitive key: each code point is upper-cased then lower-cased when its upper case is one code
 * point (so `ς`/`σ`/`Σ`, `K`/`k`/KELVIN SIGN, `ẞ`/`ß` meet, as with PostgreSQL's `UPPER(a) = UPPER(b)` or Python's
 * `lower()`), else only lower-cased (so `ß` does not become `ss`, which neither database's iexact does).
 */
export function caseInsensitiveKey(name: string): string {
  if (ASCII_ONLY.test(name)) return name.toLowerCase();
  let key = '';
  for (const ch of name) {
    const upper = ch.toUpperCase();
    const single = upper.length === 1 || (upper.length === 2 && upper.codePointAt(0)! > 0xffff);
    key += (single ? upper : ch).toLowerCase();
  }
  return key;
}

/** Length in code points: what `varchar(n)` limits on PostgreSQL and MySQL (utf8mb4). */
function codePointLength(text: string): number {
  if (ASCII_ONLY.test(text)) return text.length;
  let n = 0;
  for (const _ of text) n++;
  return n;
}

function describeId(id: ObjectId): string {
  return typeof id === 'string' ? id : String(id);
}

function checkObjectId(id: ObjectId): bigint | number {
  if (typeof id === 'number') {
    if (Number.isSafeInteger(id) && id >= 0) return id;
  } else if (typeof id === 'string') {
    if (/^[0-9]+$/.test(id)) return BigInt(id);
  }
  throw new PodMigrateError('INTEGRITY', `tagged object id ${JSON.stringify(id)} is not a non-negative integer`);
}

function isAfter(current: bigint | number, previous: bigint | number): boolean {
  if (typeof current === 'number' && typeof previous === 'number') return current > previous;
  return BigInt(current) > BigInt(previous);
}

// ----------------------------------------------------------------------------------------------------------------
// Builder
// ----------------------------------------------------------------------------------------------------------------

/** A name's keys, computed once per distinct name (the target's fold only when the case-insensitive key finds no tag). */
interface NameKeys {
  name: string;
  /** Python's `str.lower()`: what `set_tag_list` keys on within one object. */
  lower: string;
  ci: string;
  /** Ordinal of the tag this spelling was last reported as merged into (avoids re-reporting). */
  mergeNotedFor: number;
}

function compareKeys(a: NameKeys, b: NameKeys): number {
  return a.name === b.name ? 0 : compareCodePoints(a.name, b.name);
}

/**
 * The fold of a unique index that compares names exactly (PostgreSQL, MariaDB's binary collations): a dialect returns
 * this very function so the builder knows it needs no map of folded names (a name equal to a tag's is found by its
 * case-insensitive key already), 40 bytes a tag.
 */
export function exactFold(text: string): string {
  return text;
}

const SUFFIXED_SLUG = /^(.+)_([0-9]+)$/;

/**
 * Incremental form of `buildTagTables`: `add()` each object by ascending id, then `finish()`. Memory is proportional
 * to the number of tags and links, not to the names' repetitions.
 */
export class TagTableBuilder {
  private readonly fold: (text: string) => string;
  private readonly exampleLimit: number;
  /**
   * Tags by ordinal: the `existing` ones first (ordinals below `existing.length`), then the new rows. A tag is a
   * number in the maps and lists below, not an object of its own: 25,000 tags at 100,000 videos.
   */
  private readonly existing: ExistingTag[] = [];
  private readonly tags: TagRow[] = [];
  /** Links this build added to each existing tag (its count increment), by ordinal. */
  private readonly existingAdded: number[] = [];
  /** Sequence number of the last object linked to each tag, by ordinal. */
  private readonly lastObject: number[] = [];
  private readonly byCi = new Map<string, number>();
  /** null when the fold is `exactFold` (see there). */
  private readonly byFold: Map<string, number> | null;
  /** slug → name of the tag holding it. */
  private readonly slugs = new Map<string, string>();
  /** base → highest N among the slugs `base_N`. */
  private readonly maxSuffix = new Map<string, bigint>();
  private readonly keyCache = new Map<string, NameKeys>();
  private readonly links: TagLinkRow[] = [];
  private readonly onLink: ((link: TagLinkRow) => void) | undefined;
  private linkCount = 0;
  /** Ordinals of the existing tags that received links, in that order. */
  private readonly existingUsed: number[] = [];
  private readonly mergedPairs = new Set<string>();
  private readonly errorsByName = new Map<string, TagBuildError>();
  private readonly scratchKeys: NameKeys[] = [];
  private readonly scratchReps: NameKeys[] = [];
  private readonly stats: TagBuildStats = {
    objects: 0,
    objectsWithTags: 0,
    namesIn: 0,
    emptyNames: 0,
    tagsCreated: 0,
    existingTagsUsed: 0,
    linksCreated: 0,
    duplicateNamesMerged: 0,
    spellingsMerged: 0,
    mergedSpellingExamples: [],
    slugCollisions: 0,
    slugCollisionExamples: [],
    errors: [],
  };
  private nextTagId: number;
  private nextLinkId: number;
  private previousId: bigint | number | undefined;
  private objectSeq = 0;
  private finished = false;

  constructor(options: BuildTagTablesOptions) {
    this.fold = options.fold;
    this.byFold = options.fold === exactFold ? null : new Map();
    this.onLink = options.onLink;
    this.exampleLimit = options.exampleLimit ?? 10;
    let maxExisting = 0;
    for (const tag of options.existing ?? []) {
      const ordinal = this.existing.length;
      this.existing.push(tag);
      this.existingAdded.push(0);
      this.lastObject.push(-1);
      const keys = this.keysOf(tag.name);
      if (!this.byCi.has(keys.ci)) this.byCi.set(keys.ci, ordinal);
      this.indexFold(ordinal, tag.name);
      this.registerSlug(tag.slug, tag.name);
      maxExisting = Math.max(maxExisting, tag.id);
    }
    this.nextTagId = Math.max(options.firstTagId ?? 1, maxExisting + 1);
    this.nextLinkId = options.firstLinkId ?? 1;
  }

  /** Processes one object; ids must be strictly ascending across calls. */
  add(object: TaggedObject): void {
    if (this.finished) throw new PodMigrateError('INTEGRITY', 'TagTableBuilder.add() after finish()');
    const id = checkObjectId(object.objectId);
    if (this.previousId !== undefined && !isAfter(id, this.previousId)) {
      throw new PodMigrateError(
        'INTEGRITY',
        `tagged objects must come by strictly ascending id: ${describeId(object.objectId)} after ${String(this.previousId)}`,
      );
    }
    this.previousId = id;
    const seq = this.objectSeq++;
    this.stats.objects++;
    this.stats.namesIn += object.names.length;

    // obj.tags = sorted(names); set_tag_list keeps one name per str.lower() key: first position, last spelling.
    const sorted = this.scratchKeys;
    sorted.length = 0;
    for (const name of object.names) {
      if (name.trim() === '') this.stats.emptyNames++;
      else sorted.push(this.keysOf(name));
    }
    if (sorted.length > 1) sorted.sort(compareKeys);
    const reps = this.scratchReps;
    reps.length = 0;
    // A new Map per object, not one kept and cleared: clear() makes the Map's new table in the generation the Map
    // lives in, the old one for a Map kept across objects (86,000 tables of old-generation garbage at 100,000 videos).
    const repIndex = sorted.length > 1 ? new Map<string, number>() : null;
    let dropped: Array<[number, string]> | null = null;
    for (const keys of sorted) {
      const at = repIndex?.get(keys.lower);
      if (at === undefined) {
        repIndex?.set(keys.lower, reps.length);
        reps.push(keys);
      } else {
        this.stats.duplicateNamesMerged++;
        if (reps[at]!.name !== keys.name) {
          dropped ??= [];
          dropped.push([at, reps[at]!.name]);
        }
        reps[at] = keys;
      }
    }

    let linked = 0;
    for (let i = 0; i < reps.length; i++) {
      const keys = reps[i]!;
      const name = keys.name;
      let tag = this.byCi.get(keys.ci);
      let fold: string | undefined;
      if (tag === undefined && this.byFold !== null) {
        fold = this.fold(name);
        tag = this.byFold.get(fold);
      }
      if (tag === undefined) {
        const length = codePointLength(name);
        if (length > TAGULOUS_NAME_MAX_LENGTH) {
          this.error(
            'NAME_TOO_LONG',
            object.objectId,
            name,
            `tag name of ${length} characters exceeds Tagulous's NAME_MAX_LENGTH (${TAGULOUS_NAME_MAX_LENGTH})`,
          );
          continue;
        }
        tag = this.createTag(name, keys, fold, object.objectId);
        if (tag === undefined) continue;
      } else if (keys.mergeNotedFor !== tag && this.tagAt(tag).name !== name) {
        keys.mergeNotedFor = tag;
        this.noteMergedSpelling(name, tag, object.objectId);
      }
      if (dropped !== null) {
        for (const [at, other] of dropped) {
          if (at === i && other !== this.tagAt(tag).name) this.noteMergedSpelling(other, tag, object.objectId);
        }
      }
      if (this.lastObject[tag] === seq) {
        this.stats.duplicateNamesMerged++;
        continue;
      }
      this.lastObject[tag] = seq;
      if (tag >= this.existing.length) this.tags[tag - this.existing.length]!.count++;
      else if (this.existingAdded[tag]!++ === 0) this.existingUsed.push(tag);
      const link: TagLinkRow = { id: this.nextLinkId++, objectId: object.objectId, tagId: this.tagAt(tag).id };
      if (this.onLink) this.onLink(link);
      else this.links.push(link);
      this.linkCount++;
      linked++;
    }
    if (linked > 0) this.stats.objectsWithTags++;
  }

  /** Returns the tables and statistics; the builder cannot be used afterwards. */
  finish(): TagTables {
    this.finished = true;
    this.stats.tagsCreated = this.tags.length;
    this.stats.linksCreated = this.linkCount;
    this.stats.existingTagsUsed = this.existingUsed.length;
    return {
      tags: this.tags,
      links: this.links,
      existingCountIncrements: this.existingUsed.map((tag) => ({ id: this.existing[tag]!.id, increment: this.existingAdded[tag]! })),
      stats: this.stats,
    };
  }

  private tagAt(ordinal: number): ExistingTag | TagRow {
    return ordinal < this.existing.length ? this.existing[ordinal]! : this.tags[ordinal - this.existing.length]!;
  }

  private keysOf(name: string): NameKeys {
    let keys = this.keyCache.get(name);
    if (keys === undefined) {
      const lower = pythonLower(name);
      // An ASCII name's case-insensitive key is its lower case: the same string, not a second one.
      const ci = ASCII_ONLY.test(name) ? lower : caseInsensitiveKey(name);
      keys = { name, lower, ci, mergeNotedFor: -1 };
      this.keyCache.set(name, keys);
    }
    return keys;
  }

  /** `fold`: the name's fold when it was already computed (undefined: compute it if the fold map is kept). */
  private createTag(name: string, keys: NameKeys, fold: string | undefined, objectId: ObjectId): number | undefined {
    const wanted = tagulousSlug(name);
    let slug = wanted;
    const takenBy = this.slugs.get(wanted);
    if (takenBy !== undefined) {
      const base = tagulousSlugCollisionBase(wanted);
      const max = this.maxSuffix.get(base);
      slug = `${base}_${max === undefined ? 1n : max + 1n}`;
      if (slug.length > TAGULOUS_SLUG_MAX_LENGTH || this.slugs.has(slug)) {
        this.error(
          'SLUG_TOO_LONG',
          objectId,
          name,
          `no unique slug within ${TAGULOUS_SLUG_MAX_LENGTH} characters: "${wanted}" is taken and Tagulous would try "${slug}"`,
        );
        return undefined;
      }
      this.stats.slugCollisions++;
      if (this.stats.slugCollisionExamples.length < this.exampleLimit) {
        this.stats.slugCollisionExamples.push({ name, wanted, takenBy, slug });
      }
    }
    const ordinal = this.existing.length + this.tags.length;
    this.tags.push({ id: this.nextTagId++, name, slug, count: 0, protected: false });
    this.lastObject.push(-1);
    this.byCi.set(keys.ci, ordinal);
    this.indexFold(ordinal, name, fold);
    this.registerSlug(slug, name);
    return ordinal;
  }

  /** Files the tag under its name's fold (`fold`: when already computed), unless a tag holds that fold already. */
  private indexFold(ordinal: number, name: string, fold?: string): void {
    if (this.byFold === null) return;
    const key = fold ?? this.fold(name);
    if (!this.byFold.has(key)) this.byFold.set(key, ordinal);
  }

  private registerSlug(slug: string, name: string): void {
    if (!this.slugs.has(slug)) this.slugs.set(slug, name);
    const match = SUFFIXED_SLUG.exec(slug);
    if (match !== null) {
      const base = match[1]!;
      const n = BigInt(match[2]!);
      const max = this.maxSuffix.get(base);
      if (max === undefined || n > max) this.maxSuffix.set(base, n);
    }
  }

  private noteMergedSpelling(name: string, ordinal: number, objectId: ObjectId): void {
    const tag = this.tagAt(ordinal);
    const pair = `${tag.id}\u0000${name}`;
    if (this.mergedPairs.has(pair)) return;
    this.mergedPairs.add(pair);
    this.stats.spellingsMerged++;
    if (this.stats.mergedSpellingExamples.length < this.exampleLimit) {
      this.stats.mergedSpellingExamples.push({ name, tagName: tag.name, tagId: tag.id, objectId });
    }
  }

  private error(code: TagBuildErrorCode, objectId: ObjectId, name: string, message: string): void {
    const known = this.errorsByName.get(name);
    if (known !== undefined) {
      known.occurrences++;
      return;
    }
    const error: TagBuildError = { code, objectId, name, message, occurrences: 1 };
    this.errorsByName.set(name, error);
    this.stats.errors.push(error);
  }
}

/**
 * Builds the Tagulous tag rows and through rows for `input` (objects by strictly ascending id) exactly as Tagulous
 * 2.1.0 would create them (see the module comment). Names that cannot be stored are listed in `stats.errors`; the
 * caller must not write the tables while there are any.
 */
export function buildTagTables(input: Iterable<TaggedObject>, options: BuildTagTablesOptions): TagTables {
  const builder = new TagTableBuilder(options);
  for (const object of input) builder.add(object);
  return builder.finish();
}

/** The stats' examples as one-line texts, for reports: `"Python" → "python" (tag 3)`, `"c" → c_1 (c taken by "c++")`. */
export function formatTagBuildExamples(stats: TagBuildStats): { merged: string[]; slugCollisions: string[] } {
  return {
    merged: stats.mergedSpellingExamples.map((e) => `${JSON.stringify(e.name)} → ${JSON.stringify(e.tagName)} (tag ${e.tagId})`),
    slugCollisions: stats.slugCollisionExamples.map(
      (e) => `${JSON.stringify(e.name)} → ${e.slug} (${e.wanted} taken by ${JSON.stringify(e.takenBy)})`,
    ),
  };
}

/** `buildTagTables` for an async source (e.g. `aggregateTagPairs`). */
export async function buildTagTablesAsync(
  input: AsyncIterable<TaggedObject> | Iterable<TaggedObject>,
  options: BuildTagTablesOptions,
): Promise<TagTables> {
  const builder = new TagTableBuilder(options);
  for await (const object of input) builder.add(object);
  return builder.finish();
}
