/**
 * The tag step at scale: N tagged videos (default 100,000) with 5 tags each, names drawn from a ~20,000-name
 * vocabulary that holds case twins ("Python" / "python"), accent twins ("élève" / "eleve") and slug-collision twins
 * ("c++" / "c", "data science" / "data-science"). In a fresh Pod 4.0.3 database, inside ONE transaction (foreign keys
 * relaxed): N minimal video_video rows are inserted (setup, not timed as the tag step), the dump rows are fed to
 * TagSetImport.observeDumpRow (timed apart: the import does it while it streams the dump), then ONLY
 * TagSetImport.write — the tag step of the import: the object-id query, the Tagulous build and the two bulk inserts —
 * is timed. The transaction is then rolled back and the database dropped.
 */
import { connect } from '../dialects';
import type { ColumnInfo, DialectName, TableInfo } from '../dialects/dialect';
import type { CanonicalValue } from '../convert/logical-types';
import { TagSetImport } from '../engine/tag-import';
import type { ResolvedPlan } from '../plan/types';
import { createPodDatabase, type BenchDatabase } from './databases';
import { collectGarbage, mb, now, round, RssSampler } from './measure';

export interface TagFigure {
  dialect: DialectName;
  videos: number;
  tagsPerVideo: number;
  vocabulary: number;
  ok: boolean;
  error?: string;
  /** Seconds to insert the video rows (setup). */
  setupSeconds: number;
  /** Seconds to feed the dump rows to observeDumpRow. */
  feedSeconds: number;
  /** Seconds of TagSetImport.write (the tag step). */
  tagStepSeconds: number;
  rollbackSeconds: number;
  peakRssMb: number;
  tags: number;
  links: number;
  merged: string[];
  slugCollisions: string[];
}

export interface TagOptions {
  videos: number;
  tagsPerVideo: number;
  vocabulary: number;
  log: (line: string) => void;
}

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ma',
  'the',
  'ti',
  'que',
  'phy',
  'si',
  'chi',
  'mie',
  'bio',
  'lo',
  'gie',
  'his',
  'toi',
  're',
  'dro',
  'it',
  'eco',
  'no',
  'mé',
  'de',
  'ci',
  'ne',
  'info',
  'ra',
  'lan',
  'gue',
  'art',
  'mu',
  'sé',
  'ré',
];

function baseName(k: number): string {
  // k in base 30, at least two syllables; every seventh name becomes two words.
  const parts: string[] = [];
  let n = k + SYLLABLES.length;
  while (n > 0) {
    parts.push(SYLLABLES[n % SYLLABLES.length]);
    n = Math.floor(n / SYLLABLES.length);
  }
  const word = parts.join('');
  return k % 7 === 3 ? `${word} ${SYLLABLES[k % 11]}${SYLLABLES[(k >> 3) % 13]}` : word;
}

/** ~`size` distinct names, 1 in 5 a twin of another name (case, accent or slug collision), shuffled. */
export function tagVocabulary(size: number, seed = 7): string[] {
  const random = prng(seed);
  const names = new Set<string>([
    'machine learning',
    'Machine Learning',
    'c++',
    'c',
    'c#',
    'élève',
    'eleve',
    'Python',
    'python',
    'data science',
    'data-science',
  ]);
  let k = 0;
  while (names.size < size) {
    const base = baseName(k);
    k += 1;
    names.add(base);
    if (k % 5 !== 0 || names.size >= size) continue;
    switch (Math.floor(random() * 4)) {
      case 0:
        names.add(base.toUpperCase()); // case twin
        break;
      case 1:
        names.add(base.replace(/e/g, 'é').replace(/a/g, 'à')); // accent twin (or itself when it has neither letter)
        break;
      case 2:
        names.add(`${base}!`); // slug twin: the same slug
        break;
      default:
        names.add(base.includes(' ') ? base.replace(' ', '-') : `${base}_`); // slug twin
    }
  }
  const list = [...names];
  for (let i = list.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** A value every column of `type` accepts, for the minimal video rows. */
function filler(column: ColumnInfo, id: number): CanonicalValue {
  switch (column.type) {
    case 'boolean':
      return false;
    case 'integer':
    case 'interval':
      return 1;
    case 'decimal':
      return '0';
    case 'float':
      return 0;
    case 'datetime':
      return '2024-01-01 00:00:00.000000';
    case 'date':
      return '2024-01-01';
    case 'time':
      return '00:00:00.000000';
    case 'uuid':
      return id.toString(16).padStart(32, '0');
    case 'json':
      return { json: '{}' };
    case 'inet':
      return '127.0.0.1';
    case 'binary':
      return Buffer.alloc(0);
    default: {
      const text = `bench-${id}`;
      return column.maxLength !== null && column.maxLength < text.length ? 'x'.slice(0, column.maxLength) : text;
    }
  }
}

/** The primary key and every NOT NULL column without a default (slug unique): the least a video row needs. */
function minimalVideoRows(table: TableInfo, from: number, to: number): { columns: ColumnInfo[]; rows: CanonicalValue[][] } {
  const pk = table.primaryKey[0] ?? 'id';
  const columns = table.columns.filter((c) => c.name === pk || (!c.nullable && !c.hasDefault));
  const rows: CanonicalValue[][] = [];
  for (let id = from; id <= to; id += 1) rows.push(columns.map((c) => (c.name === pk ? id : filler(c, id))));
  return { columns, rows };
}

class Rollback extends Error {}

export async function benchTags(plan: ResolvedPlan, dialect: DialectName, options: TagOptions): Promise<TagFigure> {
  const figure: TagFigure = {
    dialect,
    videos: options.videos,
    tagsPerVideo: options.tagsPerVideo,
    vocabulary: options.vocabulary,
    ok: false,
    setupSeconds: 0,
    feedSeconds: 0,
    tagStepSeconds: 0,
    rollbackSeconds: 0,
    peakRssMb: 0,
    tags: 0,
    links: 0,
    merged: [],
    slugCollisions: [],
  };
  let db: BenchDatabase | undefined;
  try {
    options.log(`tags ${dialect}: a Pod 4.0.3 database, ${options.videos} videos × ${options.tagsPerVideo} tags`);
    db = await createPodDatabase(dialect, '4.0.3', 'createdb', `tags${dialect}`);
    const conn = await connect(db.settings);
    try {
      const schema = await conn.introspect();
      const set = plan.tags.find((t) => t.objectTable === 'video_video') ?? plan.tags[0];
      const tagTable = schema.tables.get(set.tagTable)!;
      const linkTable = schema.tables.get(set.linkTable)!;
      const objectTable = schema.tables.get(set.objectTable)!;
      const vocabulary = tagVocabulary(options.vocabulary);
      const tagImport = new TagSetImport(set, tagTable, linkTable);
      let rollbackStarted = 0;
      try {
        await conn.transaction(async (tx) => {
          await tx.relaxForeignKeys();
          await tagImport.clear(tx);
          let started = now();
          for (let from = 1; from <= options.videos; from += 5000) {
            const { columns, rows } = minimalVideoRows(objectTable, from, Math.min(from + 4999, options.videos));
            await tx.insertRows(objectTable, columns, rows);
          }
          figure.setupSeconds = round(now() - started);

          const random = prng(11);
          started = now();
          for (let id = 1; id <= options.videos; id += 1) {
            const names: string[] = [];
            // Skewed towards the first names of the (shuffled) vocabulary, as real tag use is.
            for (let t = 0; t < options.tagsPerVideo; t += 1) names.push(vocabulary[Math.floor(vocabulary.length * random() * random())]);
            tagImport.observeDumpRow({ [set.objectColumn]: id, tag_names: names }, id);
          }
          figure.feedSeconds = round(now() - started);

          collectGarbage();
          const sampler = new RssSampler(50);
          sampler.start();
          started = now();
          const result = await tagImport.write(tx, conn.dialect, objectTable);
          figure.tagStepSeconds = round(now() - started);
          figure.peakRssMb = mb(sampler.stop());
          figure.tags = result.tags;
          figure.links = result.links;
          figure.merged = result.examples.merged.slice(0, 3);
          figure.slugCollisions = result.examples.slugCollisions.slice(0, 3);
          rollbackStarted = now();
          throw new Rollback('roll back the benchmark rows');
        });
      } catch (error) {
        if (!(error instanceof Rollback)) throw error;
        figure.rollbackSeconds = round(now() - rollbackStarted);
      }
      figure.ok = true;
    } finally {
      await conn.close();
    }
  } catch (error) {
    figure.error = (error as Error)?.message ?? String(error);
  } finally {
    await db?.drop().catch((error: unknown) => options.log(`tags ${dialect}: could not drop ${db?.name}: ${(error as Error).message}`));
  }
  return figure;
}
