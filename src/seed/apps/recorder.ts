/**
 * Seed rules for Pod's recorder app (recorders, their recordings, files and treatments).
 */
import { MICROS_PER_SECOND, TITLE_PREFIXES, TOPICS, WORDS, htmlText, randomMicros, sentence, slugify } from '../values';
import type { World } from '../world';
import { dt, cut, lang, licence, cursus, m2m, withSites, somePairs, type RowValues, type TableRule } from '../rules';

function recorderRow(w: World, rec: number): RowValues {
  const r = w.rng('recorder', rec);
  const type = r.pick(['video', 'audiovideocast', 'studio']);
  return {
    id: rec,
    name: cut(`Enregistreur ${rec} — salle « ${r.pick(WORDS)} »`, 200),
    description: r.bool(0.3) ? '' : htmlText(r, 1),
    address_ip:
      rec === 2 ? '2001:db8::2' : rec === 3 ? 'fe80::1:2:3:4' : `10.${Math.floor(rec / 250) % 256}.${rec % 250}.${10 + (rec % 7)}`,
    salt: r.hex(16),
    credentials_login: r.bool(0.5) ? '' : `recorder${rec}`,
    credentials_password: r.bool(0.5) ? '' : r.hex(24),
    recording_type: type,
    publication_auto: r.bool(0.4),
    is_draft: r.bool(0.7),
    is_restricted: r.bool(0.2),
    password: rec === 1 || r.bool(0.1) ? 'rec-p@ss' : null,
    cursus: cursus(r),
    main_lang: lang(r),
    transcript: r.pick(['', 'fr', 'en']),
    tags: w.recorderTagString[rec - 1],
    licence: rec === 2 ? null : licence(r),
    allow_downloading: r.bool(0.3),
    is_360: rec === 2,
    disable_comment: r.bool(0.1),
    directory: `recorder_${rec}`,
    type_id: r.int(1, w.types),
    user_id: rec === 3 ? null : r.int(1, w.users),
  };
}

function* recorderRecorder(w: World): Iterable<RowValues> {
  for (let rec = 1; rec <= w.recorders; rec += 1) yield recorderRow(w, rec);
}

function* recorderRecording(w: World): Iterable<RowValues> {
  let k = 0;
  for (let rec = 1; rec <= w.recorders; rec += 1) {
    const base = recorderRow(w, rec);
    const r = w.rng('recordings', rec);
    for (let n = r.int(1, 5); n > 0; n -= 1) {
      k += 1;
      const title = cut(`${r.pick(TITLE_PREFIXES)} ${r.pick(TOPICS)} ${k}`, 200);
      yield {
        id: k,
        title,
        type: base.recording_type,
        source_file: cut(`/data/ftp-pod/ftp/recorder_${rec}/${slugify(title)}_${k}.mp4`, 200),
        comment: r.bool(0.7) ? '' : sentence(r),
        date_added: dt(randomMicros(r)),
        recorder_id: rec,
        user_id: (base.user_id as number | null) ?? r.int(1, w.users),
      };
    }
  }
}

function* recorderRecordingFile(w: World): Iterable<RowValues> {
  let k = 0;
  for (let rec = 1; rec <= w.recorders; rec += 1) {
    const r = w.rng('recording-files', rec);
    for (let n = rec === 1 ? 2 : r.int(0, 3); n > 0; n -= 1) {
      k += 1;
      yield { id: k, file: `recorder/recorder_${rec}/capture_${k}.mp4`, recorder_id: rec };
    }
  }
}

function* recorderRecordingFileTreatment(w: World): Iterable<RowValues> {
  let k = 0;
  for (let rec = 1; rec <= w.recorders; rec += 1) {
    const r = w.rng('treatments', rec);
    for (let n = rec === 1 ? 2 : r.int(0, 3); n > 0; n -= 1) {
      k += 1;
      const emailed = r.bool(0.5);
      const added = randomMicros(r);
      yield {
        id: k,
        file: `/data/ftp-pod/ftp/recorder_${rec}/treatment_${k}.mp4`,
        // Beyond 2^31 on some rows (bigint).
        file_size: k === 1 ? 5_368_709_120 : r.int(1_000, 2_000_000_000),
        date_added: dt(added),
        require_manual_claim: r.bool(0.3),
        email_sent: emailed,
        date_email_sent: emailed ? dt(added + r.int(1, 3600) * MICROS_PER_SECOND) : null,
        type: recorderRow(w, rec).recording_type,
        recorder_id: k === 2 ? null : rec,
      };
    }
  }
}

/** The tables of this app, with their rules. */
export const recorderRules: Record<string, TableRule> = {
  recorder_recorder: recorderRecorder,
  recorder_recorder_additional_users: (w) => m2m('recorder_id', 'user_id', somePairs(w, 'recorder-users', w.recorders, w.users, 0.3, 1, 2)),
  recorder_recorder_channel: (w) => m2m('recorder_id', 'channel_id', somePairs(w, 'recorder-channels', w.recorders, w.channels, 0.5, 1, 2)),
  recorder_recorder_discipline: (w) =>
    m2m('recorder_id', 'discipline_id', somePairs(w, 'recorder-disciplines', w.recorders, w.disciplines, 0.5, 1, 2)),
  recorder_recorder_restrict_access_to_groups: (w) =>
    m2m('recorder_id', 'group_id', somePairs(w, 'recorder-groups', w.recorders, w.groups, 0.2, 1, 2)),
  recorder_recorder_sites: (w) => m2m('recorder_id', 'site_id', withSites(w, w.recorders)),
  recorder_recorder_theme: (w) => m2m('recorder_id', 'theme_id', somePairs(w, 'recorder-themes', w.recorders, w.themes, 0.3, 1, 2)),
  recorder_recording: recorderRecording,
  recorder_recordingfile: recorderRecordingFile,
  recorder_recordingfiletreatment: recorderRecordingFileTreatment,
};
