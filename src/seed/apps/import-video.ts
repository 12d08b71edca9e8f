/**
 * Seed rules for Pod's import_video app (external recordings to import).
 */
import { TITLE_PREFIXES, TOPICS, randomMicros } from '../values';
import type { World } from '../world';
import { dt, cut, type RowValues, type TableRule } from '../rules';

function* externalRecording(w: World): Iterable<RowValues> {
  const n = Math.max(3, Math.ceil(w.N / 50));
  for (let k = 1; k <= n; k += 1) {
    const r = w.rng('external', k);
    const type = r.pick(['bbb', 'studio', 'video', 'peertube', 'youtube']);
    yield {
      id: k,
      name: cut(`${r.pick(TITLE_PREFIXES)} ${r.pick(TOPICS)} (${type})`, 250),
      start_at: dt(randomMicros(r)),
      type,
      source_url: `https://${type}.example.org/playback/presentation/2.3/${r.hex(40)}-${r.int(1_000_000_000, 1_999_999_999)}?a=1&b=%20`,
      state: r.pick([null, 'Enregistrement importé', 'Erreur : "timeout"']),
      owner_id: r.bool(0.1) ? null : r.int(1, w.users),
      site_id: w.ref.siteIds[0],
      uploaded_to_pod_by_id: r.bool(0.5) ? null : r.int(1, w.users),
    };
  }
}

/** The tables of this app, with their rules. */
export const importVideoRules: Record<string, TableRule> = {
  import_video_externalrecording: externalRecording,
};
