/**
 * Seed rules for Pod's ai_enhancement app (a video's enhancement requests to Aristote, the AI service).
 */
import type { World } from '../world';
import { dt, DAY, uuidDashed, type RowValues, type TableRule } from '../rules';

function* aiEnhancement(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('ai', 0.02, 2)) {
    const r = w.rng('ai', i);
    const created = w.videoDate[i - 1] + r.int(1, 100) * DAY;
    yield {
      id: ++k,
      created_at: dt(created),
      updated_at: dt(created + r.int(0, 3_600_000_000)),
      is_ready: r.bool(0.6),
      ai_enhancement_id_in_aristote: uuidDashed(r),
      video_id: w.videoId(i),
    };
  }
}

/** The tables of this app, with their rules. */
export const aiEnhancementRules: Record<string, TableRule> = {
  ai_enhancement_aienhancement: aiEnhancement,
};
