/**
 * Seed rules for Pod's speaker app (speakers, their jobs, and jobs on videos).
 */
import { FIRST_NAMES, LAST_NAMES } from '../values';
import type { World } from '../world';
import { cut, type RowValues, type TableRule } from '../rules';

function* speakerSpeaker(w: World): Iterable<RowValues> {
  for (let s = 1; s <= w.speakers; s += 1) {
    const r = w.rng('speaker', s);
    yield { id: s, firstname: cut(r.pick(FIRST_NAMES), 100), lastname: cut(r.pick(LAST_NAMES), 100) };
  }
}

function* speakerJob(w: World): Iterable<RowValues> {
  for (const j of w.jobs) {
    const r = w.rng('job', j.id);
    yield {
      id: j.id,
      title: r.pick([
        'Professeur des universités',
        'Maître de conférences',
        'Doctorante',
        'Chargé de mission « numérique »',
        'Directeur',
        'Invité·e',
      ]),
      speaker_id: j.speaker,
    };
  }
}

function* speakerJobVideo(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('job-videos', 0.1, 2)) {
    const r = w.rng('job-videos', i);
    for (const j of r.distinctInts(r.int(1, 2), 1, w.jobs.length)) yield { id: ++k, job_id: j, video_id: w.videoId(i) };
  }
}

/** The tables of this app, with their rules. */
export const speakerRules: Record<string, TableRule> = {
  speaker_speaker: speakerSpeaker,
  speaker_job: speakerJob,
  speaker_jobvideo: speakerJobVideo,
};
