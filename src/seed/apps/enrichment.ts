/**
 * Seed rules for Pod's enrichment app (timed enrichments of a video, their groups and VTT files).
 */
import { htmlText, slugify } from '../values';
import type { World } from '../world';
import { cut, m2m, somePairs, type RowValues, type TableRule } from '../rules';

const ENRICHMENT_TYPES = ['image', 'richtext', 'weblink', 'document', 'embed'] as const;

function* enrichmentEnrichment(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('enrichments', 0.08, 3)) {
    const r = w.rng('enrichments', i);
    const duration = Math.max(10, w.videoDuration[i - 1]);
    for (let n = r.int(1, 3); n > 0; n -= 1) {
      k += 1;
      const type = r.bool(0.05) ? null : ENRICHMENT_TYPES[(k - 1) % ENRICHMENT_TYPES.length];
      const title = cut(`${r.pick(['Schéma', 'Lien utile', 'Document', 'Vidéo "embed"', 'Note'])} ${k}`, 100);
      const start = r.int(0, duration - 5);
      yield {
        id: k,
        title,
        slug: cut(`${k}-${slugify(title)}`, 105),
        stop_video: r.bool(0.3),
        start,
        end: r.int(start + 1, duration),
        type,
        richtext: type === 'richtext' ? htmlText(r, 2) : '',
        weblink: type === 'weblink' ? `https://fr.wikipedia.org/wiki/%C3%89l%C3%A8ve?x=${k}` : null,
        embed: type === 'embed' ? `<iframe src="https://video.example.org/embed/${k}" width="640" height="360"></iframe>` : null,
        document_id: type === 'document' ? w.fileRef(r, 'enrichment_enrichment', 'document_id', 0) : null,
        image_id: type === 'image' ? w.fileRef(r, 'enrichment_enrichment', 'image_id', 0) : null,
        video_id: w.videoId(i),
      };
    }
  }
}

function* enrichmentGroup(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.enrichmentGroupVideos) yield { id: ++k, video_id: w.videoId(i) };
}

function* enrichmentGroupGroups(w: World): Iterable<RowValues> {
  yield* m2m('enrichmentgroup_id', 'group_id', somePairs(w, 'enrichment-groups', w.enrichmentGroupVideos.length, w.groups, 1, 1, 2));
}

function* enrichmentVtt(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('enrichment-vtt', 0.06, 2)) {
    const r = w.rng('enrichment-vtt', i);
    yield { id: ++k, src_id: w.fileRef(r, 'enrichment_enrichmentvtt', 'src_id', 0.2), video_id: w.videoId(i) };
  }
  // An orphan VTT left without a video (nullable UNIQUE column: NULL).
  yield { id: ++k, src_id: null, video_id: null };
}

/** The tables of this app, with their rules. */
export const enrichmentRules: Record<string, TableRule> = {
  enrichment_enrichment: enrichmentEnrichment,
  enrichment_enrichmentgroup: enrichmentGroup,
  enrichment_enrichmentgroup_groups: enrichmentGroupGroups,
  enrichment_enrichmentvtt: enrichmentVtt,
};
