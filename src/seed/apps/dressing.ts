/**
 * Seed rules for Pod's dressing app (watermarks / credits and who may use them on which videos).
 */
import { WORDS } from '../values';
import type { World } from '../world';
import { cut, m2m, somePairs, mapRight, type RowValues, type TableRule } from '../rules';

function* dressingDressing(w: World): Iterable<RowValues> {
  for (let d = 1; d <= w.dressings; d += 1) {
    const r = w.rng('dressing', d);
    yield {
      id: d,
      title: cut(`Habillage ${d} — « ${r.pick(WORDS)} »`, 100),
      position: r.pick([null, 'top_right', 'top_left', 'bottom_right', 'bottom_left']),
      opacity: r.bool(0.2) ? null : r.int(0, 100),
      ending_credits_id: r.bool(0.5) ? null : w.videoId(r.int(1, w.N)),
      opening_credits_id: r.bool(0.5) ? null : w.videoId(r.int(1, w.N)),
      watermark_id: w.fileRef(r, 'dressing_dressing', 'watermark_id', 0.3),
    };
  }
}

/** The tables of this app, with their rules. */
export const dressingRules: Record<string, TableRule> = {
  dressing_dressing: dressingDressing,
  dressing_dressing_allow_to_groups: (w) =>
    m2m('dressing_id', 'accessgroup_id', somePairs(w, 'dressing-groups', w.dressings, w.accessGroups, 0.5, 1, 2)),
  dressing_dressing_owners: (w) => m2m('dressing_id', 'user_id', somePairs(w, 'dressing-owners', w.dressings, w.users, 1, 1, 2)),
  dressing_dressing_users: (w) => m2m('dressing_id', 'user_id', somePairs(w, 'dressing-users', w.dressings, w.users, 0.5, 1, 3)),
  dressing_dressing_videos: (w) =>
    m2m(
      'dressing_id',
      'video_id',
      mapRight(somePairs(w, 'dressing-videos', w.dressings, w.N, 0.8, 1, 4), (i) => w.videoId(i)),
    ),
};
