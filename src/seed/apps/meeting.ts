/**
 * Seed rules for Pod's meeting app (BigBlueButton meetings, recordings, live gateways and streams, session logs).
 */
import { TOPICS, formatDate, pad, randomMicros, slugify } from '../values';
import type { World } from '../world';
import { dt, DAY, fullName, cut, m2m, somePairs, type RowValues, type TableRule } from '../rules';

function* meeting(w: World): Iterable<RowValues> {
  for (let m = 1; m <= w.meetings; m += 1) {
    const r = w.rng('meeting', m);
    const name = cut(
      `${r.pick(['Réunion', 'Visio', 'Classe virtuelle', 'Jury', 'Permanence'])} ${r.pick(TOPICS)}${m % 10 === 3 ? ' 🎙️ "hebdo"' : ''}`,
      250,
    );
    const start = randomMicros(r);
    const recurrence = m === 1 ? 'weekly' : m === 2 ? null : r.bool(0.4) ? null : r.pick(['daily', 'weekly', 'monthly', 'yearly']);
    // CHECKs: frequency ≥ 1; nb_occurrences and recurring_until both NULL or both set; recurring_until ≥ start_at's date.
    const bounded = recurrence !== null && (m === 1 || r.bool(0.6));
    const created = start - r.int(1, 60) * DAY;
    const durations = [3_600_000_000, 5_400_000_000, 2_700_123_456, 7_200_000_000, 900_000_000, 1];
    yield {
      id: m,
      name,
      meeting_id: cut(`${pad(m, 4)}-${slugify(name)}`, 255),
      attendee_password: r.hex(12),
      moderator_password: r.hex(12),
      start_at: dt(start),
      expected_duration: r.pick(durations),
      recurrence,
      frequency: r.int(1, 3),
      recurring_until: bounded ? formatDate(start + (m === 1 ? 0 : r.int(0, 365)) * DAY) : null,
      nb_occurrences: bounded ? r.int(1, 30) : null,
      weekdays: recurrence === 'weekly' ? r.pick(['0', '024', '1', '0123456']) : null,
      monthly_type: r.pick(['date_day', 'nth_day']),
      is_restricted: m === 1 || r.bool(0.2),
      is_running: m === 2 || r.bool(0.05),
      max_participants: r.int(0, 300),
      welcome_text: r.bool(0.2) ? '' : `Bienvenue dans ${name} !`,
      logout_url: r.bool(0.8) ? null : 'https://pod.univ-exemple.fr/meeting/',
      webcam_only_for_moderators: r.bool(0.2),
      record: r.bool(0.3),
      auto_start_recording: r.bool(0.1),
      allow_start_stop_recording: r.bool(0.8),
      guest_policy: r.pick([null, 'ALWAYS_ACCEPT', 'ALWAYS_DENY', 'ASK_MODERATOR']),
      lock_settings_disable_cam: r.bool(0.1),
      lock_settings_disable_mic: r.bool(0.1),
      lock_settings_disable_private_chat: r.bool(0.1),
      lock_settings_disable_public_chat: r.bool(0.1),
      lock_settings_disable_note: r.bool(0.1),
      lock_settings_locked_layout: r.bool(0.1),
      parent_meeting_id: r.bool(0.95) ? null : r.hex(40),
      internal_meeting_id: r.bool(0.6) ? null : `${r.hex(40)}-${r.int(1_600_000_000, 1_700_000_000)}${r.int(100, 999)}`,
      voice_bridge: r.bool(0.3) ? null : r.int(10_000, 99_999),
      bbb_create_time: r.bool(0.6) ? null : String(r.int(1_600_000_000_000, 1_700_000_000_000)),
      is_personal: r.bool(0.2),
      created_at: dt(created),
      updated_at: dt(created + r.int(0, 30) * DAY),
      is_webinar: r.bool(0.1),
      enable_chat: r.bool(0.5),
      owner_id: r.int(1, w.users),
      site_id: w.ref.siteIds[0],
      slides_id: w.fileRef(r, 'meeting', 'slides_id', 0.8),
    };
  }
}

function* meetingAdditionalOwners(w: World): Iterable<RowValues> {
  yield* m2m('meeting_id', 'user_id', somePairs(w, 'meeting-owners', w.meetings, w.users, 0.3, 1, 2));
}

function* meetingInternalRecording(w: World): Iterable<RowValues> {
  let k = 0;
  for (let m = 1; m <= w.meetings; m += 1) {
    const r = w.rng('internal-recording', m);
    for (let n = m === 1 ? 2 : r.int(0, 2); n > 0; n -= 1) {
      k += 1;
      yield {
        id: k,
        name: cut(`Enregistrement ${k} — ${r.pick(TOPICS)}`, 250),
        start_at: dt(randomMicros(r)),
        source_url: `https://bbb.univ-exemple.fr/playback/presentation/2.3/${r.hex(40)}-${r.int(1_600_000_000, 1_700_000_000)}`,
        recording_id: r.bool(0.3) ? null : `${r.hex(40)}-${r.int(1_600_000_000, 1_700_000_000)}`,
        meeting_id: k === 2 ? null : m,
        owner_id: r.bool(0.1) ? null : r.int(1, w.users),
        site_id: w.ref.siteIds[0],
        uploaded_to_pod_by_id: r.bool(0.6) ? null : r.int(1, w.users),
      };
    }
  }
}

function* meetingLiveGateway(w: World): Iterable<RowValues> {
  for (const g of w.liveGateways) {
    const r = w.rng('gateway-row', g.id);
    yield {
      id: g.id,
      rtmp_stream_url: `rtmp://live.univ-exemple.fr/live/gateway${g.id}`,
      sipmediagw_server_url: `https://sipmediagw${g.id}.univ-exemple.fr`,
      sipmediagw_server_token: r.hex(20),
      broadcaster_id: g.broadcaster,
      site_id: w.ref.siteIds[0],
    };
  }
}

function* meetingLivestream(w: World): Iterable<RowValues> {
  const n = Math.max(2, Math.ceil(w.meetings / 4));
  for (let k = 1; k <= n; k += 1) {
    const r = w.rng('livestream', k);
    yield {
      id: k,
      status: r.pick([0, 1, 2]),
      event_id: r.int(1, w.events),
      live_gateway_id: r.pick(w.liveGateways).id,
      meeting_id: r.int(1, w.meetings),
    };
  }
}

function* meetingSessionLog(w: World): Iterable<RowValues> {
  let k = 0;
  for (let m = 1; m <= w.meetings; m += 1) {
    const r = w.rng('session-log', m);
    for (let n = m === 1 ? 2 : r.int(0, 3); n > 0; n -= 1) {
      const people = (count: number) =>
        JSON.stringify(Array.from({ length: count }, () => ({ name: fullName(r), role: r.pick(['MODERATOR', 'VIEWER']) })));
      yield {
        id: ++k,
        creation_date: dt(randomMicros(r)),
        moderators: people(r.int(1, 2)),
        viewers: r.bool(0.1) ? '' : people(r.int(0, 6)),
        creator_id: r.int(1, w.users),
        meeting_id: m,
      };
    }
  }
}

/** The tables of this app, with their rules. */
export const meetingRules: Record<string, TableRule> = {
  meeting: meeting,
  meeting_additional_owners: meetingAdditionalOwners,
  meeting_internalrecording: meetingInternalRecording,
  meeting_livegateway: meetingLiveGateway,
  meeting_livestream: meetingLivestream,
  meeting_meetingsessionlog: meetingSessionLog,
  meeting_restrict_access_to_groups: (w) =>
    m2m('meeting_id', 'accessgroup_id', somePairs(w, 'meeting-groups', w.meetings, w.accessGroups, 0.2, 1, 2)),
};
