/**
 * The seed's tag vocabulary and who carries which tag (videos, recorders, orphan items of deleted ones), apart from
 * World because it is the one part of the world that depends on the database's UNIQUE fold: a name that folds like
 * an earlier one ("eleve" / "élève" on utf8mb4_general_ci) is dropped, as the UNIQUE index would refuse it.
 */
import { charLength } from './values';
import { COMMON_TAGS, MAX_TAG_LENGTH, SPECIAL_TAG_SETS, generatedTagName, tagStringFitting } from './tag-values';
import type { World } from './world';

export interface SpecialVideos {
  /** Index (1-based) of the video with 300 tags. */
  manyTags: number;
  /** Special tag sets (SPECIAL_TAG_SETS order) → video index, for the sets that survived the unique fold. */
  tagSets: Array<{ label: string; videoIndex: number; names: string[] }>;
}

/** A tagged item whose object is gone (a deleted video or recorder), as django-tagging leaves them. */
export interface OrphanItem {
  kind: 'video' | 'recorder';
  objectId: number;
  tagId: number;
}

export interface SeededTags {
  /** Tag names; a tag's id is its index + 1. */
  tagNames: string[];
  /** Per video index (1..N at [index - 1]): tag ids, and the `tags` text that fits the column. */
  videoTags: number[][];
  videoTagString: string[];
  /** Per recorder (id 1.. at [id - 1]): tag ids, and the `tags` text that fits the column. */
  recorderTags: number[][];
  recorderTagString: string[];
  orphanItems: OrphanItem[];
  special: SpecialVideos;
}

/** What the tags are built from: the volumes, keyed random streams and column lengths of the world. */
export type TagWorld = Pick<World, 'N' | 'recorders' | 'maxVideoId' | 'rng' | 'maxLength' | 'busy'>;

export function buildTags(w: TagWorld, fold: (text: string) => string): SeededTags {
  const tagNames: string[] = [];
  const videoTags = new Array<number[]>(w.N);
  const videoTagString = new Array<string>(w.N);
  const recorderTags: number[][] = [];
  const recorderTagString: string[] = [];
  const orphanItems: OrphanItem[] = [];
  const seen = new Map<string, number>(); // fold → tag id
  const byName = new Map<string, number>();
  const add = (name: string): number | undefined => {
    if (name !== name.toLowerCase() || name.includes('"') || charLength(name) > MAX_TAG_LENGTH || name.trim() !== name || name === '') {
      throw new Error(`invalid django-tagging name ${JSON.stringify(name)}`);
    }
    const existing = byName.get(name);
    if (existing !== undefined) return existing;
    const key = fold(name);
    // On MariaDB (utf8mb4_general_ci) "eleve" folds like "élève": UNIQUE(name) refuses it, so the twin is dropped.
    if (seen.has(key)) return undefined;
    tagNames.push(name);
    const id = tagNames.length;
    seen.set(key, id);
    byName.set(name, id);
    return id;
  };

  const specialIds = SPECIAL_TAG_SETS.map((set) => ({
    label: set.label,
    ids: set.names.map(add).filter((id): id is number => id !== undefined),
  }));
  for (const name of COMMON_TAGS) add(name);
  const target = Math.max(320, 120 + Math.ceil(w.N / 4));
  for (let k = 0; tagNames.length < target; k += 1) add(generatedTagName(k));
  const vocabulary = tagNames.length;

  const maxChars = w.maxLength('video_video', 'tags', 255);
  const names = (ids: number[]) => ids.map((id) => tagNames[id - 1]);

  // Video 1: 300 tags (beyond GROUP_CONCAT's 1024 bytes). Its `tags` column (255 chars) cannot hold them all:
  // it keeps the longest prefix that fits, the tagging tables hold all 300 (drift, as django-tagging allows).
  const manyTags = 1;
  const manyIds = Array.from({ length: 300 }, (_, k) => k + 1);
  videoTags[manyTags - 1] = manyIds;
  videoTagString[manyTags - 1] = tagStringFitting(names(manyIds), maxChars).text;

  // Special sets: one video each, from video 2 on.
  const tagSets: SpecialVideos['tagSets'] = [];
  const assigned = new Map<number, number[]>();
  specialIds.forEach((set, j) => {
    if (set.ids.length === 0) return;
    const index = w.N === 1 ? 1 : 2 + (j % (w.N - 1));
    const list = assigned.get(index) ?? [];
    for (const id of set.ids) if (!list.includes(id)) list.push(id);
    assigned.set(index, list);
    tagSets.push({ label: set.label, videoIndex: index, names: names(set.ids) });
  });
  for (const [index, ids] of assigned) {
    if (index === manyTags) {
      for (const id of ids) if (!videoTags[0].includes(id)) videoTags[0].push(id);
      continue;
    }
    const fitting = tagStringFitting(names(ids), maxChars);
    videoTags[index - 1] = ids.slice(0, fitting.count);
    videoTagString[index - 1] = fitting.text;
  }

  for (let i = 1; i <= w.N; i += 1) {
    if (videoTags[i - 1] !== undefined) continue;
    const r = w.rng('video-tags', i);
    if (r.bool(0.15)) {
      videoTags[i - 1] = [];
      videoTagString[i - 1] = '';
      continue;
    }
    const count = w.busy ? r.int(3, 9) : r.int(1, 6);
    const ids: number[] = [];
    for (let k = 0; k < count; k += 1) {
      const id = 1 + Math.min(vocabulary - 1, Math.floor(r.next() ** 2.2 * vocabulary));
      if (!ids.includes(id)) ids.push(id);
    }
    const fitting = tagStringFitting(names(ids), maxChars);
    videoTags[i - 1] = ids.slice(0, fitting.count);
    videoTagString[i - 1] = fitting.text;
  }

  // Recorders: their tags keep accents (Recorder.save() has no remove_accents).
  const recorderMax = w.maxLength('recorder_recorder', 'tags', 255);
  const eleve = byName.get('élève');
  for (let rec = 1; rec <= w.recorders; rec += 1) {
    const r = w.rng('recorder-tags', rec);
    const ids: number[] = [];
    if (rec === 1 && eleve !== undefined) ids.push(eleve, byName.get('machine learning') ?? 1);
    else if (rec === 2) ids.length = 0;
    else
      for (let k = r.int(0, 4); k > 0; k -= 1) {
        const id = 1 + Math.floor(r.next() ** 2 * Math.min(vocabulary, 150));
        if (!ids.includes(id)) ids.push(id);
      }
    const fitting = tagStringFitting(names(ids), recorderMax);
    recorderTags.push(ids.slice(0, fitting.count));
    recorderTagString.push(fitting.text);
  }

  // Orphans: items of deleted videos (ids in the gaps, and past the last id) and of a deleted recorder, ≈ 1%.
  let items = 0;
  for (const ids of videoTags) items += ids.length;
  for (const ids of recorderTags) items += ids.length;
  const wanted = Math.max(4, Math.round(items / 99));
  // Deleted video ids: the gaps (every 26th id), then ids past the last video.
  let objectId = 0;
  const nextDeleted = (): number => {
    objectId = objectId + 26 <= w.maxVideoId ? objectId + 26 : Math.max(objectId, w.maxVideoId) + 1;
    return objectId;
  };
  for (let k = 0, orphanCount = 0; orphanCount < wanted; k += 1) {
    const id = nextDeleted();
    const r = w.rng('orphan', k);
    const n = Math.min(r.int(1, 3), wanted - orphanCount);
    for (const tagId of r.distinctInts(n, 1, Math.min(vocabulary, 200))) {
      orphanItems.push({ kind: 'video', objectId: id, tagId });
      orphanCount += 1;
    }
  }
  orphanItems.push({ kind: 'recorder', objectId: w.recorders + 1, tagId: 1 });
  orphanItems.push({ kind: 'recorder', objectId: w.recorders + 1, tagId: 2 });

  return { tagNames, videoTags, videoTagString, recorderTags, recorderTagString, orphanItems, special: { manyTags, tagSets } };
}
