/**
 * Seed rules for Pod's completion app: contributors, documents, overlays, subtitle tracks, enrich-model queue.
 */
import { htmlText, paragraph, sentence, slugify } from '../values';
import type { World } from '../world';
import { fullName, cut, type RowValues, type TableRule } from '../rules';

function* completionContributor(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('contributors', 0.25, 2)) {
    const r = w.rng('contributors', i);
    for (let n = r.int(1, 3); n > 0; n -= 1) {
      const name = fullName(r);
      yield {
        id: ++k,
        name: cut(name, 200),
        email_address: r.bool(0.5) ? null : `${slugify(name) || 'contrib'}@example.org`,
        role: r.pick([
          'actor',
          'author',
          'designer',
          'consultant',
          'contributor',
          'editor',
          'speaker',
          'soundman',
          'director',
          'writer',
          'technician',
          'voice-over',
        ]),
        weblink: r.bool(0.7) ? null : `https://www.example.org/people/${k}?q=a%20b&x=_`,
        video_id: w.videoId(i),
      };
    }
  }
}

function* completionDocument(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('documents', 0.1, 2)) {
    const r = w.rng('documents', i);
    yield { id: ++k, private: r.bool(0.3), document_id: w.fileRef(r, 'completion_document', 'document_id', 0.1), video_id: w.videoId(i) };
  }
}

function* completionEnrichModelQueue(w: World): Iterable<RowValues> {
  const n = 3 + Math.ceil(w.N / 200);
  for (let k = 1; k <= n; k += 1) {
    const r = w.rng('enrich-queue', k);
    yield {
      id: k,
      title: r.bool(0.3) ? null : sentence(r, 2, 5),
      text: paragraph(r, r.int(1, 4)),
      model_type: r.pick(['STT', 'WHISPER', 'VOSK']),
      lang: r.pick(['fr', 'en']),
      in_treatment: r.bool(0.2),
    };
  }
}

function* completionOverlay(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('overlays', 0.08, 2)) {
    const r = w.rng('overlays', i);
    const duration = Math.max(10, w.videoDuration[i - 1]);
    for (let n = r.int(1, 2); n > 0; n -= 1) {
      k += 1;
      const title = cut(`${r.pick(['Info', 'À savoir', 'Attention ⚠', 'Lien'])} ${k}`, 100);
      const start = r.int(0, duration - 5);
      yield {
        id: k,
        title,
        slug: cut(`${k}-${slugify(title)}`, 105),
        time_start: start,
        time_end: r.int(start + 1, duration),
        content: htmlText(r, 1),
        position: r.pick([null, 'top-left', 'top', 'top-right', 'right', 'bottom-right', 'bottom', 'bottom-left', 'left']),
        background: r.bool(0.5),
        video_id: w.videoId(i),
      };
    }
  }
}

function* completionTrack(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('tracks', 0.3, 2)) {
    const r = w.rng('tracks', i);
    for (const l of r.distinctInts(r.int(1, 2), 0, 3)) {
      yield {
        id: ++k,
        kind: r.pick(['subtitles', 'captions']),
        lang: ['fr', 'en', 'de', 'es'][l],
        enrich_ready: r.bool(0.2),
        src_id: w.fileRef(r, 'completion_track', 'src_id', 0.2),
        video_id: w.videoId(i),
      };
    }
  }
}

/** The tables of this app, with their rules. */
export const completionRules: Record<string, TableRule> = {
  completion_contributor: completionContributor,
  completion_document: completionDocument,
  completion_enrichmodelqueue: completionEnrichModelQueue,
  completion_overlay: completionOverlay,
  completion_track: completionTrack,
};
