/**
 * Seed rules for django-tagging's tables (tags and tagged items, orphans of deleted videos included).
 */
import type { World } from '../world';
import type { RowValues, TableRule } from '../rules';

function* taggingTag(w: World): Iterable<RowValues> {
  for (let t = 1; t <= w.tagNames.length; t += 1) yield { id: t, name: w.tagNames[t - 1] };
}

function* taggingTaggedItem(w: World): Iterable<RowValues> {
  const video = w.contentType('video', 'video');
  const recorder = w.contentType('recorder', 'recorder');
  if (video === undefined || recorder === undefined) {
    throw new Error('django_content_type has no video.video or recorder.recorder row: load Pod’s initial data first');
  }
  let id = 0;
  const orphans = w.orphanItems.filter((o) => o.kind === 'video');
  let nextOrphan = 0;
  for (let i = 1; i <= w.N; i += 1) {
    const objectId = w.videoId(i);
    // Orphans interleaved where their deleted video stood.
    while (nextOrphan < orphans.length && orphans[nextOrphan].objectId < objectId) {
      const o = orphans[nextOrphan++];
      yield { id: ++id, object_id: o.objectId, content_type_id: video, tag_id: o.tagId };
    }
    for (const tag of w.videoTags[i - 1]) yield { id: ++id, object_id: objectId, content_type_id: video, tag_id: tag };
  }
  while (nextOrphan < orphans.length) {
    const o = orphans[nextOrphan++];
    yield { id: ++id, object_id: o.objectId, content_type_id: video, tag_id: o.tagId };
  }
  for (let rec = 1; rec <= w.recorders; rec += 1) {
    for (const tag of w.recorderTags[rec - 1]) yield { id: ++id, object_id: rec, content_type_id: recorder, tag_id: tag };
  }
  for (const o of w.orphanItems)
    if (o.kind === 'recorder') yield { id: ++id, object_id: o.objectId, content_type_id: recorder, tag_id: o.tagId };
}

/** The tables of this app, with their rules. */
export const taggingRules: Record<string, TableRule> = {
  tagging_tag: taggingTag,
  tagging_taggeditem: taggingTaggedItem,
};
