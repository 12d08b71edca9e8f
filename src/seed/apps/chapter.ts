/**
 * Seed rules for Pod's chapter app (chapters of a video, by time).
 */
import { slugify } from '../values';
import type { World } from '../world';
import { cut, type RowValues, type TableRule } from '../rules';

const CHAPTER_TITLES = ['Introduction', 'Partie 1', 'Partie 2', 'Démonstration', 'Questions', 'Conclusion', 'Pause ☕', 'Exercice "bonus"'];

function chapters(w: World, i: number): Array<{ title: string; time: number }> {
  const r = w.rng('chapters', i);
  if (!w.forced('chapters', 2).has(i) && !r.bool(0.3)) return [];
  const n = r.int(1, 5);
  const titles = r.distinctInts(n, 0, CHAPTER_TITLES.length - 1);
  const times = r.distinctInts(n, 0, Math.max(n, w.videoDuration[i - 1]));
  return titles.map((t, k) => ({ title: CHAPTER_TITLES[t], time: times[k] }));
}

function* chapterChapter(w: World): Iterable<RowValues> {
  const chosen: number[] = [];
  const forced = w.forced('chapters', 2);
  let total = 0;
  for (let i = 1; i <= w.N; i += 1) {
    const n = chapters(w, i).length;
    if (n > 0 || forced.has(i)) chosen.push(i);
    total += n;
  }
  let k = 0;
  for (const i of chosen) {
    for (const c of chapters(w, i)) {
      k += 1;
      const id = w.rowId('chapter_chapter', k, total);
      yield { id, title: c.title, slug: cut(`${id}-${slugify(c.title)}`, 105), time_start: c.time, video_id: w.videoId(i) };
    }
  }
}

/** The tables of this app, with their rules. */
export const chapterRules: Record<string, TableRule> = {
  chapter_chapter: chapterChapter,
};
