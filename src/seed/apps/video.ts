/**
 * Seed rules for Pod's video app: types, disciplines, channels, themes, videos and their children (view counts,
 * comments, votes, notes, access tokens, versions, categories, videos to delete).
 */
import {
  EPOCH_END,
  MICROS_PER_SECOND,
  TITLE_PREFIXES,
  TITLE_SUFFIXES,
  TOPICS,
  WORDS,
  bigText,
  edgeText,
  formatDate,
  htmlText,
  pad,
  paragraph,
  randomMicros,
  sentence,
  slugify,
  uuidHex,
} from '../values';
import { World } from '../world';
import { dt, DAY, cut, lang, licence, cursus, m2m, withSites, somePairs, type RowValues, type TableRule } from '../rules';

const TYPE_TITLES: Array<[string, string | null]> = [
  ['Autre', 'Other'],
  ['Cours', 'Course'],
  ['Conférence', 'Conference'],
  ['Séminaire', 'Seminar'],
  ['Documentaire', 'Documentary'],
  ['Tutoriel', 'Tutorial'],
  ['Interview', null],
  ['Colloque', 'Symposium'],
  ['Soutenance de thèse', 'Thesis defense'],
  ['Captation de spectacle', 'Performance'],
  ['Reportage', 'Report'],
  ['Webinaire 🎥', 'Webinar'],
];

function* videoType(w: World): Iterable<RowValues> {
  for (let t = 1; t <= w.types; t += 1) {
    const r = w.rng('type', t);
    const [fr, en] = TYPE_TITLES[t - 1];
    yield {
      id: t,
      title: fr,
      title_fr: t === 7 ? null : fr,
      title_en: en,
      slug: slugify(en ?? fr),
      description: r.pick([null, '', sentence(r)]),
      description_fr: r.bool(0.5) ? null : sentence(r),
      description_en: r.bool(0.7) ? null : 'An English description.',
      icon_id: w.fileRef(r, 'video_type', 'icon_id', 0.5),
    };
  }
}

const DISCIPLINES: Array<[string, string]> = [
  ['Mathématiques', 'Mathematics'],
  ['Physique', 'Physics'],
  ['Chimie', 'Chemistry'],
  ['Biologie', 'Biology'],
  ['Informatique', 'Computer science'],
  ['Histoire', 'History'],
  ['Géographie', 'Geography'],
  ['Droit', 'Law'],
  ['Économie', 'Economics'],
  ['Médecine', 'Medicine'],
  ['Langues', 'Languages'],
  ['Philosophie', 'Philosophy'],
  ['Arts', 'Arts'],
  ['Musique', 'Music'],
  ['STAPS', 'Sports science'],
  ["Sciences de l'éducation", 'Education'],
  ['Sociologie', 'Sociology'],
  ['Psychologie', 'Psychology'],
  ['Lettres', 'Literature'],
  ['Pharmacie', 'Pharmacy'],
];

function* videoDiscipline(w: World): Iterable<RowValues> {
  for (let d = 1; d <= w.disciplines; d += 1) {
    const r = w.rng('discipline', d);
    const [fr0, en0] = DISCIPLINES[(d - 1) % DISCIPLINES.length];
    const extra = d > DISCIPLINES.length ? ` ${d}` : '';
    const fr = fr0 + extra;
    yield {
      id: d,
      title: fr,
      title_fr: d % 6 === 5 ? null : fr,
      title_en: d % 4 === 3 ? null : en0 + extra,
      slug: slugify(fr),
      description: r.pick([null, '', htmlText(r, 1)]),
      description_fr: r.bool(0.6) ? null : sentence(r),
      description_en: r.bool(0.8) ? null : 'Description in English.',
      icon_id: w.fileRef(r, 'video_discipline', 'icon_id', 0.6),
      site_id: w.ref.siteIds[0],
    };
  }
}

const CHANNELS: Array<[string, string]> = [
  ["Chaîne de l'Université 🎓", 'University channel'],
  ['Faculté de Droit', 'Law School'],
  ['IUT Informatique', 'IT Institute'],
  ['Service Culture', 'Culture Office'],
  ['BU — Bibliothèque', 'Library'],
  ["Laboratoire L'Œil", 'The Eye Lab'],
  ['Sciences "dures"', 'Hard sciences'],
  ['Médecine & Santé', 'Medicine & Health'],
  ['Relations internationales', 'International'],
  ['Vie étudiante', 'Student life'],
  ['Formation continue', 'Lifelong learning'],
  ['Recherche 100%', 'Research 100%'],
];

function* videoChannel(w: World): Iterable<RowValues> {
  for (let c = 1; c <= w.channels; c += 1) {
    const r = w.rng('channel', c);
    const [fr0, en0] = CHANNELS[(c - 1) % CHANNELS.length];
    const extra = c > CHANNELS.length ? ` n°${c}` : '';
    const title = fr0 + extra;
    yield {
      id: c,
      title,
      title_fr: c % 5 === 0 ? null : title,
      title_en: c % 3 === 2 ? null : en0 + extra,
      slug: cut(c > CHANNELS.length ? `${slugify(fr0)}-${c}` : slugify(fr0), 100),
      description: r.bool(0.2) ? '' : htmlText(r, r.int(1, 3)),
      description_fr: r.bool(0.5) ? null : htmlText(r, 1),
      description_en: r.bool(0.7) ? null : '<p>English description</p>',
      color: r.bool(0.5) ? null : `#${r.hex(6)}`,
      style: r.bool(0.8) ? null : `.channel-${c} { color: #${r.hex(6)}; background: url("x.png"); }`,
      visible: r.bool(0.85),
      headband_id: w.fileRef(r, 'video_channel', 'headband_id', 0.6),
      site_id: w.ref.siteIds[0],
    };
  }
}

const THEME_TITLES = [
  'Semestre 1',
  'Semestre 2',
  'TD',
  'TP',
  'Amphi 🎓',
  'Archives',
  'Conférences invitées',
  'Année 2020-2021',
  "L'essentiel",
  'Projets "tutorés"',
];

function* videoTheme(w: World): Iterable<RowValues> {
  for (let c = 1; c <= w.channels; c += 1) {
    const start = w.themeStart[c - 1];
    const n = w.themeCount[c - 1];
    const titles = w.rng('theme-titles', c).distinctInts(n, 0, THEME_TITLES.length - 1);
    w.rng('theme-titles', c).shuffle(titles);
    for (let k = 0; k < n; k += 1) {
      const id = start + k;
      const r = w.rng('theme', id);
      const title = THEME_TITLES[titles[k]];
      // Channel 1: a chain (theme 2 under 1, 3 under 2); elsewhere half of the themes have a lower-id parent.
      const parent = c === 1 ? (k > 0 && k < 3 ? id - 1 : null) : k > 0 && r.bool(0.5) ? start + r.int(0, k - 1) : null;
      yield {
        id,
        title,
        title_fr: r.bool(0.3) ? null : title,
        title_en: r.bool(0.6) ? null : `Theme ${id}`,
        slug: slugify(title),
        description: r.pick([null, '', sentence(r)]),
        description_fr: r.bool(0.7) ? null : sentence(r),
        description_en: r.bool(0.9) ? null : 'Theme description',
        channel_id: c,
        headband_id: w.fileRef(r, 'video_theme', 'headband_id', 0.7),
        parentId_id: parent,
      };
    }
  }
}

export function videoTitle(w: World, i: number): string {
  const r = w.rng('video-title', i);
  if (i % 97 === 11) return '日本語の講義 — 中文课程'; // slugifies to '' → slug "NNNN-"
  let title = `${r.pick(TITLE_PREFIXES)} ${r.pick(TOPICS)} — ${r.pick(TITLE_SUFFIXES)}`;
  if (r.bool(0.12)) title += ` ${edgeText(r)}`;
  if (r.bool(0.08)) title = `🎬 ${title} 🎓`;
  return cut(title, 250);
}

function* videoVideo(w: World): Iterable<RowValues> {
  const big = w.forced('big-description', 2 + Math.floor(w.N / 500));
  for (let i = 1; i <= w.N; i += 1) {
    const r = w.rng('video-row', i);
    const id = w.videoId(i);
    const owner = w.videoOwner[i - 1];
    const title = videoTitle(w, i);
    const date = w.videoDate[i - 1];
    const restricted = w.hasFlag(i, World.RESTRICTED);
    const encoded = w.hasFlag(i, World.ENCODED);
    const fileBase = i % 50 === 7 ? `Cours n°${id} été (version finale).MP4` : `${cut(slugify(title), 60) || 'video'}_${id}.mp4`;
    const description = big.has(i) ? `<p>${bigText(r)}</p>` : r.bool(0.1) ? '' : htmlText(r, r.int(1, 3));
    yield {
      id,
      video: cut(`videos/${w.hashkey(owner)}/${fileBase}`, 255),
      title,
      title_fr: r.bool(0.4) ? null : title,
      title_en: r.bool(0.8) ? null : r.bool(0.1) ? 'NULL' : `English title ${id}`,
      slug: cut(`${pad(id, 4)}-${slugify(title)}`, 255),
      description,
      description_fr: r.bool(0.6) ? null : description.length > 1000 ? '' : description,
      description_en: r.bool(0.85) ? null : '<p>In English.</p>',
      date_added: dt(date),
      date_evt: r.bool(0.3) ? null : formatDate(date - r.int(0, 60) * DAY),
      cursus: cursus(r),
      main_lang: lang(r),
      transcript: r.pick(['', '', 'fr', 'en']),
      tags: w.videoTagString[i - 1],
      licence: licence(r),
      allow_downloading: r.bool(0.3),
      is_360: r.bool(0.03),
      is_draft: w.hasFlag(i, World.DRAFT),
      is_restricted: restricted,
      password: restricted && r.bool(0.4) ? r.pick(['Secr3t!', 'p@ss\\word"', 'mot de passe très long % _', 'NULL']) : null,
      order: r.bool(0.1) ? null : r.bool(0.9) ? 1 : r.int(0, 32767),
      duration: w.videoDuration[i - 1],
      overview: encoded && r.bool(0.9) ? `videos/${w.encodingHashkey(i)}/${pad(id, 4)}/overview.png` : null,
      encoding_in_progress: w.hasFlag(i, World.IN_PROGRESS),
      is_video: w.hasFlag(i, World.IS_VIDEO),
      date_delete: formatDate(date + r.int(2 * 365, 6 * 365) * DAY),
      disable_comment: r.bool(0.1),
      owner_id: owner,
      thumbnail_id: w.fileRef(r, 'video_video', 'thumbnail_id', 0.3),
      type_id: w.videoType[i - 1],
    };
  }
}

function videoChannels(w: World, i: number): number[] {
  const r = w.rng('video-channels', i);
  if (i > 1 && !r.bool(0.6)) return [];
  return r.distinctInts(r.int(1, 2), 1, w.channels);
}

function* perVideoPairs(
  w: World,
  name: string,
  p: number,
  min: number,
  max: number,
  pool: number,
  exclude?: (i: number) => number,
): Iterable<[number, number]> {
  const forced = w.forced(name, 2);
  for (let i = 1; i <= w.N; i += 1) {
    const r = w.rng(name, i);
    if (!forced.has(i) && !r.bool(p)) continue;
    const n = r.int(Math.max(1, min), max);
    const picks = exclude ? w.distinctUsers(r, n, exclude(i)) : r.distinctInts(n, 1, pool);
    for (const b of picks) yield [w.videoId(i), b];
  }
}

function* videoVideoChannel(w: World): Iterable<RowValues> {
  function* pairs(): Iterable<[number, number]> {
    for (let i = 1; i <= w.N; i += 1) for (const c of videoChannels(w, i)) yield [w.videoId(i), c];
  }
  yield* m2m('video_id', 'channel_id', pairs());
}

function* videoVideoTheme(w: World): Iterable<RowValues> {
  function* pairs(): Iterable<[number, number]> {
    for (let i = 1; i <= w.N; i += 1) {
      const r = w.rng('video-theme', i);
      for (const c of videoChannels(w, i)) {
        const n = w.themeCount[c - 1];
        if (n > 0 && (i === 1 || r.bool(0.5))) yield [w.videoId(i), w.themeStart[c - 1] + r.int(0, n - 1)];
      }
    }
  }
  yield* m2m('video_id', 'theme_id', pairs());
}

function* videoVideoRestrict(w: World): Iterable<RowValues> {
  function* pairs(): Iterable<[number, number]> {
    const forced = w.forced('restrict-groups', 2);
    for (let i = 1; i <= w.N; i += 1) {
      const r = w.rng('restrict-groups', i);
      if (!forced.has(i) && !(w.hasFlag(i, World.RESTRICTED) && r.bool(0.7))) continue;
      for (const a of r.distinctInts(r.int(1, 2), 1, w.accessGroups)) yield [w.videoId(i), a];
    }
  }
  yield* m2m('video_id', 'accessgroup_id', pairs());
}

function* videoVideoSites(w: World): Iterable<RowValues> {
  function* pairs(): Iterable<[number, number]> {
    for (let i = 1; i <= w.N; i += 1) for (const s of w.ref.siteIds) yield [w.videoId(i), s];
  }
  yield* m2m('video_id', 'site_id', pairs());
}

function viewDays(w: World, i: number): number[] {
  const r = w.rng('views', i);
  if (i > 2 && (w.hasFlag(i, World.DRAFT) || !r.bool(0.7))) return [];
  return r.distinctInts(w.busy ? r.int(8, 25) : r.int(1, 12), 0, 400);
}

function* videoViewcount(w: World): Iterable<RowValues> {
  let total = 0;
  for (let i = 1; i <= w.N; i += 1) total += viewDays(w, i).length;
  let k = 0;
  for (let i = 1; i <= w.N; i += 1) {
    const r = w.rng('view-counts', i);
    for (const day of viewDays(w, i)) {
      k += 1;
      yield {
        id: w.rowId('video_viewcount', k, total),
        date: formatDate(w.videoDate[i - 1] + day * DAY),
        count: r.int(1, 300),
        video_id: w.videoId(i),
      };
    }
  }
}

function* videoComment(w: World): Iterable<RowValues> {
  for (let i = 1; i <= w.N; i += 1) {
    const base = w.commentStart[i - 1];
    const n = w.commentStart[i] - base;
    if (n === 0) continue;
    const r = w.rng('comments', i);
    const roots: number[] = [];
    let time = w.videoDate[i - 1] + r.int(1, 30) * DAY;
    for (let j = 0; j < n; j += 1) {
      time += r.int(60, 5 * 86_400) * MICROS_PER_SECOND + r.int(0, 999_999);
      let parent: number | null = null;
      let direct: number | null = null;
      if (j > 0 && r.bool(0.6)) {
        const dp = r.int(0, j - 1);
        roots.push(roots[dp]);
        parent = w.commentId(base + roots[dp] + 1);
        direct = w.commentId(base + dp + 1);
      } else {
        roots.push(j);
      }
      yield {
        id: w.commentId(base + j + 1),
        content: r.bool(0.15) ? edgeText(r) : sentence(r, 3, 25),
        added: dt(Math.min(time, EPOCH_END + 300 * DAY)),
        author_id: r.int(1, w.users),
        direct_parent_id: direct,
        parent_id: parent,
        video_id: w.videoId(i),
      };
    }
  }
}

function* videoVote(w: World): Iterable<RowValues> {
  const total = w.commentStart[w.N];
  let id = 0;
  for (let k = 1; k <= total; k += 1) {
    const r = w.rng('votes', k);
    const n = k === 1 ? 2 : r.int(0, 2);
    for (let v = 0; v < n; v += 1) yield { id: ++id, comment_id: w.commentId(k), user_id: r.int(1, w.users) };
  }
}

function* videoNotes(w: World): Iterable<RowValues> {
  let k = 0;
  for (const [video, user] of perVideoPairs(w, 'notes', 0.15, 1, 2, w.users)) {
    const r = w.rng('note', video, user);
    yield { id: ++k, note: r.bool(0.1) ? null : paragraph(r, r.int(1, 3)), user_id: user, video_id: video };
  }
}

function* videoAdvancedNotes(w: World): Iterable<RowValues> {
  for (let i = 1; i <= w.N; i += 1) {
    const base = w.advNoteStart[i - 1];
    const n = w.advNoteStart[i] - base;
    for (let j = 0; j < n; j += 1) {
      const r = w.rng('advnote', base + j + 1);
      const added = w.videoDate[i - 1] + r.int(1, 200) * DAY + r.int(0, 86_399_999_999);
      yield {
        id: base + j + 1,
        status: r.pick(['0', '1', '2']),
        note: r.bool(0.1) ? null : sentence(r),
        // Distinct per note of a video: UNIQUE(video_id, user_id, timestamp, status) always holds.
        timestamp: j === 0 && r.bool(0.2) ? null : j * 17 + r.int(0, 16),
        added_on: dt(added),
        modified_on: dt(added + r.int(0, 10) * DAY),
        user_id: r.int(1, w.users),
        video_id: w.videoId(i),
      };
    }
  }
}

function* videoNoteComments(w: World): Iterable<RowValues> {
  const notes = w.advNoteStart[w.N];
  let id = 0;
  for (let note = 1; note <= notes; note += 1) {
    const r = w.rng('notecomments', note);
    const n = note === 1 ? 3 : r.int(0, 3);
    const first = id + 1;
    for (let j = 0; j < n; j += 1) {
      id += 1;
      const at = randomMicros(r);
      yield {
        id,
        status: r.pick(['0', '1', '2']),
        comment: r.bool(0.1) ? null : sentence(r),
        added_on: dt(at),
        modified_on: dt(at + r.int(0, 5) * DAY),
        parentCom_id: j > 0 && (note === 1 || r.bool(0.5)) ? first + r.int(0, j - 1) : null,
        parentNote_id: note,
        user_id: r.int(1, w.users),
      };
    }
  }
}

function* videoUserMarkerTime(w: World): Iterable<RowValues> {
  let k = 0;
  for (const [video, user] of perVideoPairs(w, 'marker', 0.2, 1, 3, w.users)) {
    yield { id: ++k, markerTime: w.rng('marker-time', video, user).int(0, 7200), user_id: user, video_id: video };
  }
}

function* videoAccessToken(w: World): Iterable<RowValues> {
  const forced = w.forced('access-token', 2);
  for (let i = 1; i <= w.N; i += 1) {
    const r = w.rng('access-token', i);
    if (!forced.has(i) && !r.bool(0.05)) continue;
    for (let k = r.int(1, 2); k > 0; k -= 1)
      yield { token: uuidHex(r), name: cut(k === 1 ? `Lien « ${r.pick(WORDS)} » ${i}` : 'Token', 100), video_id: w.videoId(i) };
  }
}

function* videoToDelete(w: World): Iterable<RowValues> {
  const start = Date.UTC(2025, 0, 6) * 1000;
  for (let d = 1; d <= w.videosToDelete; d += 1) yield { id: d, date_deletion: formatDate(start + (d - 1) * 7 * DAY) };
}

function* videoToDeleteVideo(w: World): Iterable<RowValues> {
  function* pairs(): Iterable<[number, number]> {
    for (let d = 1; d <= w.videosToDelete; d += 1) {
      const r = w.rng('to-delete', d);
      for (const i of r.distinctInts(r.int(1, 5), 1, w.N)) yield [d, w.videoId(i)];
    }
  }
  yield* m2m('videotodelete_id', 'video_id', pairs());
}

function* videoVersion(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('version', 0.1, 2)) yield { id: ++k, version: w.rng('version', i).pick(['O', 'T']), video_id: w.videoId(i) };
}

const CATEGORY_TITLES = ['Mes cours', 'Favoris 2020', 'À revoir', 'Conférences 🎤', 'Projets "perso"', 'Divers_%'];

function* videoCategory(w: World): Iterable<RowValues> {
  for (const c of w.categories) {
    const title = CATEGORY_TITLES[c.id % CATEGORY_TITLES.length];
    yield { id: c.id, title, slug: cut(`${c.owner}-${slugify(title)}-${c.id}`, 110), owner_id: c.owner };
  }
}

function* videoCategoryVideo(w: World): Iterable<RowValues> {
  function* pairs(): Iterable<[number, number]> {
    for (const c of w.categories) {
      const r = w.rng('category-videos', c.id);
      for (const i of r.distinctInts(c.id === 1 ? 2 : r.int(0, 5), 1, w.N)) yield [c.id, w.videoId(i)];
    }
  }
  yield* m2m('category_id', 'video_id', pairs());
}

function* videoUpdateOwner(): Iterable<RowValues> {
  for (let k = 1; k <= 3; k += 1) yield { id: k };
}

/** The tables of this app, with their rules. */
export const videoRules: Record<string, TableRule> = {
  video_type: videoType,
  video_type_sites: (w) => m2m('type_id', 'site_id', withSites(w, w.types)),
  video_discipline: videoDiscipline,
  video_channel: videoChannel,
  video_channel_add_channels_tab: (w) =>
    m2m('channel_id', 'additionalchanneltab_id', somePairs(w, 'channel-tabs', w.channels, w.channelTabs, 0.2, 1, 2)),
  video_channel_allow_to_groups: (w) =>
    m2m('channel_id', 'accessgroup_id', somePairs(w, 'channel-groups', w.channels, w.accessGroups, 0.2, 1, 2)),
  video_channel_owners: (w) => m2m('channel_id', 'user_id', somePairs(w, 'channel-owners', w.channels, w.users, 1, 1, 2)),
  video_channel_users: (w) => m2m('channel_id', 'user_id', somePairs(w, 'channel-users', w.channels, w.users, 0.4, 1, 3)),
  video_theme: videoTheme,
  video_video: videoVideo,
  video_video_additional_owners: (w) =>
    m2m(
      'video_id',
      'user_id',
      perVideoPairs(w, 'additional-owners', 0.1, 1, 2, w.users, (i) => w.videoOwner[i - 1]),
    ),
  video_video_channel: videoVideoChannel,
  video_video_discipline: (w) => m2m('video_id', 'discipline_id', perVideoPairs(w, 'video-disciplines', 0.4, 1, 2, w.disciplines)),
  video_video_restrict_access_to_groups: videoVideoRestrict,
  video_video_sites: videoVideoSites,
  video_video_theme: videoVideoTheme,
  video_viewcount: videoViewcount,
  video_comment: videoComment,
  video_vote: videoVote,
  video_notes: videoNotes,
  video_advancednotes: videoAdvancedNotes,
  video_notecomments: videoNoteComments,
  video_usermarkertime: videoUserMarkerTime,
  video_videoaccesstoken: videoAccessToken,
  video_videotodelete: videoToDelete,
  video_videotodelete_video: videoToDeleteVideo,
  video_videoversion: videoVersion,
  video_category: videoCategory,
  video_category_video: videoCategoryVideo,
  video_updateowner: videoUpdateOwner,
};
