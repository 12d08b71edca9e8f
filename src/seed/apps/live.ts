/**
 * Seed rules for Pod's live app: buildings, broadcasters, events, heartbeats, transcription tasks.
 */
import { MICROS_PER_SECOND, TOPICS, WORDS, edgeText, htmlText, randomMicros, slugify } from '../values';
import type { World } from '../world';
import { dt, uuidDashed, cut, lang, m2m, withSites, somePairs, mapRight, type RowValues, type TableRule } from '../rules';

function* liveBuilding(w: World): Iterable<RowValues> {
  for (let b = 1; b <= w.buildings; b += 1) {
    const r = w.rng('building', b);
    yield {
      id: b,
      name: cut(`Bâtiment ${String.fromCharCode(65 + ((b - 1) % 26))}${b} — Amphi « ${r.pick(WORDS)} »`, 200),
      gmapurl: r.bool(0.5) ? null : `https://www.google.com/maps/place/${r.int(1, 99)}+rue+de+l'Université`,
      headband_id: w.fileRef(r, 'live_building', 'headband_id', b === 1 ? 0 : 0.5),
    };
  }
}

function* liveBroadcaster(w: World): Iterable<RowValues> {
  for (let b = 1; b <= w.broadcasters; b += 1) {
    const r = w.rng('broadcaster', b);
    const name = `Diffuseur ${b} – Amphi ${r.pick(['Gutenberg', 'Pasteur', 'Curie', 'Hugo', 'Érasme'])}`;
    yield {
      id: b,
      name: cut(name, 200),
      slug: cut(`${slugify(name)}`, 200),
      description: r.bool(0.3) ? '' : htmlText(r, 1),
      url: `https://live.univ-exemple.fr/hls/stream${b}.m3u8`,
      status: r.bool(0.7),
      enable_add_event: r.bool(0.5),
      enable_viewer_count: b !== 2 && r.bool(0.5),
      is_restricted: r.bool(0.2),
      public: b !== 2 && r.bool(0.7),
      piloting_implementation: r.pick([null, 'wowza', 'smp']),
      piloting_conf: r.bool(0.4)
        ? ''
        : JSON.stringify({ server_url: `https://wowza${b}.univ-exemple.fr:8087`, application: 'live', livestream: `stream${b}` }),
      main_lang: lang(r),
      transcription_file: r.bool(0.8) ? null : `live/transcripts/stream${b}.vtt`,
      building_id: r.int(1, w.buildings),
      poster_id: w.fileRef(r, 'live_broadcaster', 'poster_id', 0.5),
    };
  }
}

function* liveEvent(w: World): Iterable<RowValues> {
  for (let e = 1; e <= w.events; e += 1) {
    const r = w.rng('event', e);
    const title = cut(
      `${r.pick(['Direct', 'Live', 'Conférence en direct', 'Soutenance'])} : ${r.pick(TOPICS)}${r.bool(0.1) ? ` ${edgeText(r)}` : ''}`,
      250,
    );
    const start = randomMicros(r);
    const owner = eventOwner(w, e);
    yield {
      id: e,
      slug: cut(`${e}-${slugify(title)}`, 255),
      title,
      description: r.bool(0.3) ? '' : htmlText(r, 1),
      start_date: dt(start),
      end_date: dt(start + r.int(30, 300) * 60 * MICROS_PER_SECOND),
      iframe_url: r.bool(0.8) ? null : `https://chat.example.org/room/${e}`,
      iframe_height: r.bool(0.8) ? null : r.int(100, 800),
      aside_iframe_url: r.bool(0.9) ? null : `https://quiz.example.org/${e}`,
      is_draft: r.bool(0.2),
      is_restricted: e === 1 || r.bool(0.2),
      is_auto_start: r.bool(0.3),
      is_recording_stopped: r.bool(0.1),
      password: r.bool(0.85) ? null : 'l1ve-p@ss',
      max_viewers: r.int(0, 500),
      enable_transcription: r.bool(0.2),
      broadcaster_id: r.int(1, w.broadcasters),
      owner_id: owner,
      thumbnail_id: w.fileRef(r, 'live_event', 'thumbnail_id', 0.5),
      type_id: r.int(1, w.types),
      video_on_hold_id: r.bool(0.7) ? null : w.videoId(r.int(1, w.N)),
    };
  }
}

function eventOwner(w: World, e: number): number {
  return w.rng('event-owner', e).int(1, w.users);
}

function* liveEventAdditionalOwners(w: World): Iterable<RowValues> {
  function* pairs(): Iterable<[number, number]> {
    for (let e = 1; e <= w.events; e += 1) {
      const r = w.rng('event-owners', e);
      if (e > 1 && !r.bool(0.3)) continue;
      for (const u of w.distinctUsers(r, r.int(1, 2), eventOwner(w, e))) yield [e, u];
    }
  }
  yield* m2m('event_id', 'user_id', pairs());
}

function* liveHeartbeat(w: World): Iterable<RowValues> {
  let k = 0;
  for (let e = 1; e <= w.events; e += 1) {
    const r = w.rng('heartbeat', e);
    for (let n = e === 1 ? 3 : r.int(0, 4); n > 0; n -= 1) {
      k += 1;
      yield {
        id: k,
        viewkey: r.hex(40),
        last_heartbeat: dt(randomMicros(r)),
        event_id: k === 2 ? null : e,
        user_id: r.bool(0.4) ? null : r.int(1, w.users),
      };
    }
  }
}

function* liveTranscriptTask(w: World): Iterable<RowValues> {
  for (let k = 1; k <= Math.min(2, w.broadcasters); k += 1)
    yield { id: k, task_id: uuidDashed(w.rng('transcript-task', k)), broadcaster_id: k };
}

/** The tables of this app, with their rules. */
export const liveRules: Record<string, TableRule> = {
  live_building: liveBuilding,
  live_building_sites: (w) => m2m('building_id', 'site_id', withSites(w, w.buildings)),
  live_broadcaster: liveBroadcaster,
  live_broadcaster_manage_groups: (w) =>
    m2m('broadcaster_id', 'group_id', somePairs(w, 'broadcaster-groups', w.broadcasters, w.groups, 0.4, 1, 2)),
  live_event: liveEvent,
  live_event_additional_owners: liveEventAdditionalOwners,
  live_event_restrict_access_to_groups: (w) =>
    m2m('event_id', 'accessgroup_id', somePairs(w, 'event-groups', w.events, w.accessGroups, 0.2, 1, 2)),
  live_event_videos: (w) =>
    m2m(
      'event_id',
      'video_id',
      mapRight(somePairs(w, 'event-videos', w.events, w.N, 0.4, 1, 3), (i) => w.videoId(i)),
    ),
  live_event_viewers: (w) => m2m('event_id', 'user_id', somePairs(w, 'event-viewers', w.events, w.users, 0.5, 1, 5)),
  live_heartbeat: liveHeartbeat,
  live_livetranscriptrunningtask: liveTranscriptTask,
};
