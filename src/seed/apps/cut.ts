/**
 * Seed rules for Pod's cut app (a video's trimmed start and end).
 */
import { formatDuration, formatTime } from '../values';
import type { World } from '../world';
import type { RowValues, TableRule } from '../rules';

function* cutCutVideo(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('cut', 0.05, 2)) {
    const r = w.rng('cut', i);
    const duration = Math.min(86_399, Math.max(4, w.videoDuration[i - 1]));
    const start = r.int(0, Math.floor(duration / 2));
    const end = r.int(start + 1, duration);
    yield {
      id: ++k,
      start: formatTime(start, k === 1 ? 0 : r.int(0, 999_999)),
      end: formatTime(end, r.int(0, 999_999)),
      duration: formatDuration(end - start),
      video_id: w.videoId(i),
    };
  }
}

/** The tables of this app, with their rules. */
export const cutRules: Record<string, TableRule> = {
  cut_cutvideo: cutCutVideo,
};
