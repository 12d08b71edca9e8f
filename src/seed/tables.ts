/**
 * Per-table rules: what the live schema cannot say (realistic values, relationships, unique and CHECK rules).
 * Each rule yields rows as plain objects keyed by column name, in id order; generator.ts maps them onto the live
 * columns (dropping columns the schema lacks, filling ones the rules do not know) and converts to canonical form.
 *
 * Every text respects the DDL's varchar length of Pod 3.8.4. Unique text values embed an id or come from lists
 * that stay distinct under MariaDB's case- and accent-insensitive utf8mb4_general_ci (where every emoji is equal to
 * every other one, so emoji never make two values distinct).
 */
import type { CanonicalValue } from '../convert/logical-types';
import type { Rng } from './random';
import { World } from './world';
import {
  EPOCH_END,
  EPOCH_START,
  FIRST_NAMES,
  LAST_NAMES,
  MICROS_PER_DAY,
  MICROS_PER_SECOND,
  TITLE_PREFIXES,
  TITLE_SUFFIXES,
  TOPICS,
  WORDS,
  bigText,
  edgeText,
  formatDate,
  formatDatetime,
  formatDuration,
  formatTime,
  htmlText,
  md5Hex,
  pad,
  paragraph,
  randomMicros,
  sentence,
  slugify,
  truncateChars,
  uuidHex,
} from './values';

export type RowValues = Record<string, CanonicalValue>;
export type TableRule = (w: World) => Iterable<RowValues>;

const dt = formatDatetime;
const DAY = MICROS_PER_DAY;

function uuidDashed(r: Rng): string {
  const h = uuidHex(r);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function djangoPassword(r: Rng): string {
  const salt = Buffer.from(r.hex(32), 'hex').toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 22);
  return `pbkdf2_sha256$260000$${salt}$${Buffer.from(r.hex(64), 'hex').toString('base64')}`;
}

function base64url(r: Rng, bytes: number): string {
  return Buffer.from(r.hex(bytes * 2), 'hex').toString('base64url');
}

function fullName(r: Rng): string {
  return `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`;
}

function cut(text: string, max: number): string {
  return truncateChars(text, max);
}

function lang(r: Rng): string {
  return r.pickSkewed(['fr', 'en', 'de', 'es', 'it', 'ar', 'zh', 'ja', 'pt', 'nl'], 2.5);
}

function licence(r: Rng): string | null {
  return r.bool(0.3) ? null : r.pick(['by', 'by-nd', 'by-nc-nd', 'by-nc', 'by-nc-sa', 'by-sa']);
}

/** Pod CURSUS_CODES: 0 none, L bachelor, M master, D doctorate, 1 other. */
function cursus(r: Rng): string {
  return r.pick(['0', 'L', 'M', 'D', '1']);
}

/** Sequential ids for an M2M table: pairs in, rows out. */
function* m2m(left: string, right: string, pairs: Iterable<[number, number]>): Iterable<RowValues> {
  let id = 0;
  for (const [a, b] of pairs) {
    id += 1;
    yield { id, [left]: a, [right]: b };
  }
}

/** Each parent × every site. */
function* withSites(w: World, count: number): Iterable<[number, number]> {
  for (let p = 1; p <= count; p += 1) for (const s of w.ref.siteIds) yield [p, s];
}

/** Up to `max` distinct values in [1, pool] for each parent chosen with probability p (parent 1 always). */
function* somePairs(w: World, name: string, parents: number, pool: number, p: number, min: number, max: number): Iterable<[number, number]> {
  for (let a = 1; a <= parents; a += 1) {
    const r = w.rng(name, a);
    if (a > 1 && !r.bool(p)) continue;
    const n = r.int(a === 1 ? Math.max(1, min) : min, max);
    for (const b of r.distinctInts(n, 1, pool)) yield [a, b];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Users, groups, owners

function* authUser(w: World): Iterable<RowValues> {
  for (let u = 1; u <= w.users; u += 1) {
    const r = w.rng('auth_user', u);
    const joined = randomMicros(r, EPOCH_START - 300 * DAY, EPOCH_END - DAY);
    const cas = u > 1 && r.bool(0.6);
    const username = w.username(u);
    const email = u === 1 ? 'admin@univ-exemple.fr' : r.bool(0.1) ? '' : `${slugify(username) || 'user'}.${u}@univ-exemple.fr`;
    yield {
      id: u,
      password: cas ? `!${r.hex(40)}` : djangoPassword(r),
      last_login: r.bool(0.2) ? null : dt(randomMicros(r, joined, EPOCH_END)),
      is_superuser: u === 1 || (u <= 3 && r.bool(0.5)),
      username,
      first_name: w.firstName(u),
      last_name: w.lastName(u),
      email,
      is_staff: u <= 3 || r.bool(0.05),
      is_active: u <= 3 || r.bool(0.95),
      date_joined: dt(joined),
    };
  }
}

function* authenticationOwner(w: World): Iterable<RowValues> {
  for (let u = 1; u <= w.users; u += 1) {
    const r = w.rng('owner', u);
    yield {
      id: u,
      auth_type: r.pick(['local', 'CAS', 'Shibboleth', 'OIDC']),
      affiliation: r.pick(['student', 'employee', 'faculty', 'staff', 'member', 'affiliate', 'researcher', 'library-walk-in']),
      commentaire: r.bool(0.8) ? '' : sentence(r),
      hashkey: w.hashkey(u),
      establishment: r.pick(['', 'UNIV-A', 'IUT', 'INSA', 'École']),
      accepts_notifications: r.pick([null, true, false]),
      user_id: u,
      userpicture_id: w.fileRef(r, 'authentication_owner', 'userpicture_id', 0.7),
    };
  }
}

const GROUP_LABELS = ['Enseignants', 'Étudiants', 'Personnels BIATSS', 'Administrateurs Pod', 'Invités', 'Doctorants', 'Chercheurs'];

function* authGroup(w: World): Iterable<RowValues> {
  for (let g = 1; g <= w.groups; g += 1) {
    yield { id: g, name: g <= GROUP_LABELS.length ? GROUP_LABELS[g - 1] : `${GROUP_LABELS[g % GROUP_LABELS.length]} (${g})` };
  }
}

function* authUserGroups(w: World): Iterable<RowValues> {
  yield* m2m('user_id', 'group_id', somePairs(w, 'user-groups', w.users, w.groups, 0.6, 0, 2));
}

function* permissionPairs(w: World, name: string, parents: number, p: number, min: number, max: number): Iterable<[number, number]> {
  const perms = w.ref.permissionIds;
  if (perms.length === 0) return;
  for (const [a, k] of somePairs(w, name, parents, perms.length, p, min, max)) yield [a, perms[k - 1]];
}

function* authGroupPermissions(w: World): Iterable<RowValues> {
  yield* m2m('group_id', 'permission_id', permissionPairs(w, 'group-perms', w.groups, 1, 3, 10));
}

function* authUserUserPermissions(w: World): Iterable<RowValues> {
  yield* m2m('user_id', 'permission_id', permissionPairs(w, 'user-perms', w.users, 0.08, 1, 5));
}

function* authenticationGroupsite(w: World): Iterable<RowValues> {
  for (let g = 1; g <= w.groups; g += 1) yield { id: g, group_id: g };
}

const ACCESS_GROUP_LABELS = [
  'Étudiants L1', 'Personnel', 'Faculté de Médecine', 'Promo 2024 🎓', 'Groupe "TD A"', 'affiliation: employee',
  'LDAP cn=staff,ou=groups,dc=univ', 'Équipe 50% + 50%', 'Réseau_interne',
];

function* authenticationAccessgroup(w: World): Iterable<RowValues> {
  for (let a = 1; a <= w.accessGroups; a += 1) {
    const r = w.rng('accessgroup', a);
    const label = ACCESS_GROUP_LABELS[(a - 1) % ACCESS_GROUP_LABELS.length];
    yield {
      id: a,
      display_name: cut(a <= ACCESS_GROUP_LABELS.length ? label : `${label} ${a}`, 128),
      code_name: cut(`${a}-${slugify(label) || 'groupe'}${r.bool(0.2) ? ':Ü' : ''}`, 250),
      auto_sync: r.bool(0.4),
    };
  }
}

function* authtokenToken(w: World): Iterable<RowValues> {
  for (let u = 1; u <= w.users; u += 1) {
    const r = w.rng('token', u);
    if (u > 1 && !r.bool(0.25)) continue;
    yield { key: r.hex(40), created: dt(randomMicros(r)), user_id: u };
  }
}

function* captchaCaptchastore(w: World): Iterable<RowValues> {
  const n = 5 + Math.ceil(w.N / 200);
  for (let k = 1; k <= n; k += 1) {
    const r = w.rng('captcha', k);
    const math = r.bool(0.5);
    const a = r.int(1, 20);
    const b = r.int(1, 20);
    const word = r.hex(4).toUpperCase();
    yield {
      id: k,
      challenge: math ? `${a} + ${b} =` : word,
      response: math ? String(a + b) : word.toLowerCase(),
      hashkey: r.hex(40),
      expiration: dt(randomMicros(r)),
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Files and images

function* mainCustomImage(w: World): Iterable<RowValues> {
  for (let k = 1; k <= w.mainImages; k += 1) {
    const r = w.rng('main-image', k);
    const name = k % 9 === 4 ? `photo d’été « ${k} » (copie).JPG` : `${slugify(r.pick(WORDS))}_${k}.${r.pick(['png', 'jpg', 'webp', 'svg'])}`;
    yield { id: k, file: r.bool(0.05) ? null : cut(`custom/images/${name}`, 255) };
  }
}

function* mainCustomFile(w: World): Iterable<RowValues> {
  for (let k = 1; k <= w.mainFiles; k += 1) {
    const r = w.rng('main-file', k);
    yield { id: k, file: r.bool(0.05) ? null : cut(`custom/files/${slugify(r.pick(WORDS))}_${k}.${r.pick(['pdf', 'vtt', 'docx', 'odt'])}`, 255) };
  }
}

function* podfileUserfolder(w: World): Iterable<RowValues> {
  for (let f = 1; f <= w.folderOwner.length; f += 1) {
    const r = w.rng('folder', f);
    yield { id: f, name: w.folderName[f - 1], created_at: dt(randomMicros(r)), owner_id: w.folderOwner[f - 1] };
  }
}

function* podfileCustomFile(w: World, kind: 'image' | 'file'): Iterable<RowValues> {
  const folders = kind === 'image' ? w.podfileImageFolder : w.podfileFileFolder;
  for (let k = 1; k <= folders.length; k += 1) {
    const r = w.rng(`podfile-${kind}`, k);
    const folder = folders[k - 1];
    const owner = w.folderOwner[folder - 1];
    const base = k % 7 === 3 ? `Schéma n°${k} — « annoté »` : `${r.pick(WORDS)}_${k}`;
    const ext = kind === 'image' ? r.pick(['png', 'jpg', 'gif']) : r.pick(['pdf', 'vtt', 'srt', 'zip']);
    yield {
      id: k,
      name: cut(base, 255),
      description: r.bool(0.6) ? '' : cut(sentence(r), 255),
      uploaded_at: dt(randomMicros(r)),
      file: cut(`files/${w.hashkey(owner)}/${kind === 'image' ? 'images' : 'files'}/${slugify(base) || 'fichier'}.${ext}`, 255),
      created_by_id: owner,
      folder_id: folder,
    };
  }
}

function* nonHomeFolderPairs(w: World, name: string, pool: number, excludeOwner: boolean): Iterable<[number, number]> {
  let first = true;
  for (let f = w.users + 1; f <= w.folderOwner.length; f += 1) {
    const r = w.rng(name, f);
    if (!first && !r.bool(0.3)) continue;
    first = false;
    const owner = w.folderOwner[f - 1];
    const picks = excludeOwner ? w.distinctUsers(r, r.int(1, 2), owner) : r.distinctInts(r.int(1, 2), 1, pool);
    for (const b of picks) yield [f, b];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Types, disciplines, channels, themes

const TYPE_TITLES: Array<[string, string | null]> = [
  ['Autre', 'Other'], ['Cours', 'Course'], ['Conférence', 'Conference'], ['Séminaire', 'Seminar'],
  ['Documentaire', 'Documentary'], ['Tutoriel', 'Tutorial'], ['Interview', null], ['Colloque', 'Symposium'],
  ['Soutenance de thèse', 'Thesis defense'], ['Captation de spectacle', 'Performance'], ['Reportage', 'Report'],
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
  ['Mathématiques', 'Mathematics'], ['Physique', 'Physics'], ['Chimie', 'Chemistry'], ['Biologie', 'Biology'],
  ['Informatique', 'Computer science'], ['Histoire', 'History'], ['Géographie', 'Geography'], ['Droit', 'Law'],
  ['Économie', 'Economics'], ['Médecine', 'Medicine'], ['Langues', 'Languages'], ['Philosophie', 'Philosophy'],
  ['Arts', 'Arts'], ['Musique', 'Music'], ['STAPS', 'Sports science'], ["Sciences de l'éducation", 'Education'],
  ['Sociologie', 'Sociology'], ['Psychologie', 'Psychology'], ['Lettres', 'Literature'], ['Pharmacie', 'Pharmacy'],
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
  ["Chaîne de l'Université 🎓", 'University channel'], ['Faculté de Droit', 'Law School'], ['IUT Informatique', 'IT Institute'],
  ['Service Culture', 'Culture Office'], ['BU — Bibliothèque', 'Library'], ["Laboratoire L'Œil", 'The Eye Lab'],
  ['Sciences "dures"', 'Hard sciences'], ['Médecine & Santé', 'Medicine & Health'], ['Relations internationales', 'International'],
  ['Vie étudiante', 'Student life'], ['Formation continue', 'Lifelong learning'], ['Recherche 100%', 'Research 100%'],
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

const CHANNEL_TABS: Array<[string, string | null, string | null]> = [
  ['Replays', 'Replays', 'Replays'],
  ['Ressources pédagogiques', 'Ressources pédagogiques', 'Teaching resources'],
  ['Événements', null, 'Events'],
  ['Archives 📼', 'Archives 📼', null],
];

function* mainAdditionalChannelTab(w: World): Iterable<RowValues> {
  for (let t = 1; t <= w.channelTabs; t += 1) {
    const [name, fr, en] = CHANNEL_TABS[t - 1];
    yield { id: t, name, name_fr: fr, name_en: en };
  }
}

const THEME_TITLES = [
  'Semestre 1', 'Semestre 2', 'TD', 'TP', 'Amphi 🎓', 'Archives', 'Conférences invitées', 'Année 2020-2021',
  "L'essentiel", 'Projets "tutorés"',
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

// ---------------------------------------------------------------------------------------------------------------
// Videos

function videoTitle(w: World, i: number): string {
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

function* perVideoPairs(w: World, name: string, p: number, min: number, max: number, pool: number, exclude?: (i: number) => number): Iterable<[number, number]> {
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

// ---------------------------------------------------------------------------------------------------------------
// Encoding

const RENDITIONS: Array<{ resolution: string; name: string; minrate: string; bitrate: string; maxrate: string; threshold: number; audio: string; mp4: boolean }> = [
  { resolution: '640x360', name: '360p', minrate: '500k', bitrate: '750k', maxrate: '1000k', threshold: 0, audio: '96k', mp4: true },
  { resolution: '1280x720', name: '720p', minrate: '1000k', bitrate: '2000k', maxrate: '3000k', threshold: 0, audio: '128k', mp4: true },
  { resolution: '1920x1080', name: '1080p', minrate: '2000k', bitrate: '3000k', maxrate: '4500k', threshold: 0, audio: '192k', mp4: false },
  { resolution: '854x480', name: '480p', minrate: '750k', bitrate: '1000k', maxrate: '1500k', threshold: 480, audio: '128k', mp4: false },
  { resolution: '3840x2160', name: '2160p', minrate: '8000k', bitrate: '12000k', maxrate: '16000k', threshold: 2160, audio: '256k', mp4: false },
];

function* videoRendition(w: World): Iterable<RowValues> {
  for (let k = 1; k <= w.renditions; k += 1) {
    const x = RENDITIONS[k - 1];
    yield {
      id: k,
      resolution: x.resolution,
      minrate: x.minrate,
      video_bitrate: x.bitrate,
      maxrate: x.maxrate,
      encoding_resolution_threshold: x.threshold,
      audio_bitrate: x.audio,
      encode_mp4: x.mp4,
    };
  }
}

/** Renditions (1-based) a video was encoded in. */
function videoRenditions(w: World, i: number): number[] {
  if (!w.hasFlag(i, World.ENCODED) || !w.hasFlag(i, World.IS_VIDEO)) return [];
  const r = w.rng('renditions', i);
  const out = Array.from({ length: r.int(1, 3) }, (_, k) => k + 1);
  if (r.bool(0.1)) out.push(4);
  if (r.bool(0.02)) out.push(5);
  return out;
}

function encodingVideoFiles(w: World, i: number): Array<{ name: string; format: string; file: string; rendition: number }> {
  const id = w.videoId(i);
  const dir = `videos/${w.encodingHashkey(i)}/${pad(id, 4)}`;
  const out: Array<{ name: string; format: string; file: string; rendition: number }> = [];
  for (const k of videoRenditions(w, i)) {
    const x = RENDITIONS[k - 1];
    const height = x.resolution.split('x')[1];
    if (x.mp4) out.push({ name: x.name, format: 'video/mp4', file: `${dir}/video_${id}_${height}.mp4`, rendition: k });
    out.push({ name: x.name, format: 'video/mp2t', file: `${dir}/livestream${height}.ts`, rendition: k });
  }
  return out;
}

function* encodingVideo(w: World): Iterable<RowValues> {
  let total = 0;
  for (let i = 1; i <= w.N; i += 1) total += encodingVideoFiles(w, i).length;
  let k = 0;
  for (let i = 1; i <= w.N; i += 1) {
    for (const f of encodingVideoFiles(w, i)) {
      k += 1;
      yield {
        id: w.rowId('video_encode_transcript_encodingvideo', k, total),
        name: f.name,
        encoding_format: f.format,
        source_file: cut(f.file, 255),
        rendition_id: f.rendition,
        video_id: w.videoId(i),
      };
    }
  }
}

function* encodingAudio(w: World): Iterable<RowValues> {
  let k = 0;
  for (let i = 1; i <= w.N; i += 1) {
    if (!w.hasFlag(i, World.ENCODED)) continue;
    const r = w.rng('audio', i);
    const id = w.videoId(i);
    const dir = `videos/${w.encodingHashkey(i)}/${pad(id, 4)}`;
    yield { id: ++k, name: 'audio', encoding_format: 'audio/mp3', source_file: `${dir}/audio_${id}.mp3`, video_id: id };
    if (r.bool(0.7)) yield { id: ++k, name: 'audio', encoding_format: 'video/mp4', source_file: `${dir}/audio_${id}.m4a`, video_id: id };
  }
}

function* playlistVideo(w: World): Iterable<RowValues> {
  let k = 0;
  for (let i = 1; i <= w.N; i += 1) {
    const renditions = videoRenditions(w, i);
    if (renditions.length === 0) continue;
    const id = w.videoId(i);
    const dir = `videos/${w.encodingHashkey(i)}/${pad(id, 4)}`;
    for (const rk of renditions) {
      const height = RENDITIONS[rk - 1].resolution.split('x')[1];
      yield { id: ++k, name: RENDITIONS[rk - 1].name, encoding_format: 'application/x-mpegURL', source_file: `${dir}/livestream${height}p.m3u8`, video_id: id };
    }
    yield { id: ++k, name: 'playlist', encoding_format: 'application/x-mpegURL', source_file: `${dir}/playlist.m3u8`, video_id: id };
  }
}

function* encodingLog(w: World): Iterable<RowValues> {
  const big = w.forced('big-log', 1);
  let k = 0;
  for (let i = 1; i <= w.N; i += 1) {
    if (!w.hasFlag(i, World.ENCODED) && !w.hasFlag(i, World.IN_PROGRESS)) continue;
    const r = w.rng('encoding-log', i);
    const id = w.videoId(i);
    const log = big.has(i)
      ? bigText(r, 80_000)
      : `Start at: ${dt(w.videoDate[i - 1])}\nffprobe -v quiet -show_format "videos/x.mp4"\n[h264 @ 0x55d] ${edgeText(r)}\nEnd: ${r.int(1, 900)} s`;
    yield {
      id: ++k,
      log: r.bool(0.05) ? null : log,
      logfile: r.bool(0.3) ? null : `videos/${w.encodingHashkey(i)}/${pad(id, 4)}/encoding.log`,
      video_id: id,
    };
  }
}

function* encodingStep(w: World): Iterable<RowValues> {
  let k = 0;
  for (let i = 1; i <= w.N; i += 1) {
    const done = w.hasFlag(i, World.ENCODED);
    if (!done && !w.hasFlag(i, World.IN_PROGRESS)) continue;
    const r = w.rng('encoding-step', i);
    yield {
      id: ++k,
      num_step: done ? 0 : r.int(1, 5),
      desc_step: done ? (r.bool(0.1) ? null : 'end of encoding') : r.pick(['encoding video', 'encoding audio', 'creating thumbnails']),
      video_id: w.videoId(i),
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Video children

function viewDays(w: World, i: number): number[] {
  const r = w.rng('views', i);
  if (i > 2 && (w.hasFlag(i, World.DRAFT) || !r.bool(0.7))) return [];
  return r.distinctInts(r.int(1, 12), 0, 400);
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
    for (let k = r.int(1, 2); k > 0; k -= 1) yield { token: uuidHex(r), name: cut(k === 1 ? `Lien « ${r.pick(WORDS)} » ${i}` : 'Token', 100), video_id: w.videoId(i) };
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

const CHAPTER_TITLES = ['Introduction', 'Partie 1', 'Partie 2', 'Démonstration', 'Questions', 'Conclusion', 'Pause ☕', 'Exercice "bonus"'];

function chapters(w: World, i: number): Array<{ title: string; time: number }> {
  const r = w.rng('chapters', i);
  if (!w.forced('chapters', 2).has(i) && !r.bool(0.3)) return [];
  const n = r.int(1, 5);
  const titles = r.distinctInts(n, 0, CHAPTER_TITLES.length - 1);
  const times = r.distinctInts(n, 0, Math.max(n, w.videoDuration[i - 1]));
  return titles.map((t, k) => ({ title: CHAPTER_TITLES[t], time: times[k] }));
}

function* chapterChapter(w: World): Iterable<RowValues> {
  const chosen: number[] = [];
  const forced = w.forced('chapters', 2);
  let total = 0;
  for (let i = 1; i <= w.N; i += 1) {
    const n = chapters(w, i).length;
    if (n > 0 || forced.has(i)) chosen.push(i);
    total += n;
  }
  let k = 0;
  for (const i of chosen) {
    for (const c of chapters(w, i)) {
      k += 1;
      const id = w.rowId('chapter_chapter', k, total);
      yield { id, title: c.title, slug: cut(`${id}-${slugify(c.title)}`, 105), time_start: c.time, video_id: w.videoId(i) };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Completion, cut, dressing, enrichment, AI

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
        role: r.pick(['actor', 'author', 'designer', 'consultant', 'contributor', 'editor', 'speaker', 'soundman', 'director', 'writer', 'technician', 'voice-over']),
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

function* cutCutVideo(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('cut', 0.05, 2)) {
    const r = w.rng('cut', i);
    const duration = Math.min(86_399, Math.max(4, w.videoDuration[i - 1]));
    const start = r.int(0, Math.floor(duration / 2));
    const end = r.int(start + 1, duration);
    yield {
      id: ++k,
      start: formatTime(start, k === 1 ? 0 : r.int(0, 999_999)),
      end: formatTime(end, r.int(0, 999_999)),
      duration: formatDuration(end - start),
      video_id: w.videoId(i),
    };
  }
}

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

function* aiEnhancement(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.subset('ai', 0.02, 2)) {
    const r = w.rng('ai', i);
    const created = w.videoDate[i - 1] + r.int(1, 100) * DAY;
    yield {
      id: ++k,
      created_at: dt(created),
      updated_at: dt(created + r.int(0, 3_600_000_000)),
      is_ready: r.bool(0.6),
      ai_enhancement_id_in_aristote: uuidDashed(r),
      video_id: w.videoId(i),
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Import, live, meetings

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
      piloting_conf: r.bool(0.4) ? '' : JSON.stringify({ server_url: `https://wowza${b}.univ-exemple.fr:8087`, application: 'live', livestream: `stream${b}` }),
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
    const title = cut(`${r.pick(['Direct', 'Live', 'Conférence en direct', 'Soutenance'])} : ${r.pick(TOPICS)}${r.bool(0.1) ? ` ${edgeText(r)}` : ''}`, 250);
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
  for (let k = 1; k <= Math.min(2, w.broadcasters); k += 1) yield { id: k, task_id: uuidDashed(w.rng('transcript-task', k)), broadcaster_id: k };
}

function* meeting(w: World): Iterable<RowValues> {
  for (let m = 1; m <= w.meetings; m += 1) {
    const r = w.rng('meeting', m);
    const name = cut(`${r.pick(['Réunion', 'Visio', 'Classe virtuelle', 'Jury', 'Permanence'])} ${r.pick(TOPICS)}${m % 10 === 3 ? ' 🎙️ "hebdo"' : ''}`, 250);
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
      const people = (count: number) => JSON.stringify(Array.from({ length: count }, () => ({ name: fullName(r), role: r.pick(['MODERATOR', 'VIEWER']) })));
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

// ---------------------------------------------------------------------------------------------------------------
// Main app: flat pages, blocks, configuration, footer links

const FLATPAGES: Array<{ url: string; fr: string; en: string | null }> = [
  { url: '/', fr: 'Accueil', en: 'Home' },
  { url: '/legal_notice/', fr: 'Mentions légales', en: 'Legal Notice' },
  { url: '/accessibility/', fr: 'Accessibilité : Partiellement conforme', en: 'Accessibility: Partially compliant' },
  { url: '/faq/', fr: 'FAQ « questions fréquentes »', en: null },
  { url: '/pages/été-2024_100%/', fr: 'Été 2024 — 100 % en ligne', en: 'Summer 2024' },
];

function* djangoFlatpage(w: World): Iterable<RowValues> {
  for (let p = 1; p <= w.flatpages; p += 1) {
    const r = w.rng('flatpage', p);
    const page = FLATPAGES[p - 1];
    const content = p === 3 ? `<h2>Déclaration</h2>\n${htmlText(r, 6)}` : htmlText(r, r.int(1, 3));
    yield {
      id: p,
      url: page.url,
      title: page.fr,
      content,
      enable_comments: p === 5,
      template_name: p === 4 ? 'flatpages/faq.html' : '',
      registration_required: p === 5,
      content_en: page.en === null ? null : '<p>English content</p>',
      content_fr: p === 5 ? null : content,
      title_en: page.en,
      title_fr: p === 4 ? null : page.fr,
    };
  }
}

function* mainBlock(w: World): Iterable<RowValues> {
  const named = w.playlists.find((p) => !p.favorites)?.id ?? 1;
  const blocks: RowValues[] = [
    { title: 'Dernières vidéos', type: 'card_list', data_type: 'last_videos', page_id: 1 },
    { title: 'Chaîne à la une', type: 'carousel', data_type: 'channel', Channel_id: 1, page_id: 1 },
    { title: 'Thème', type: 'multi_carousel', data_type: 'theme', Theme_id: 1, page_id: 1 },
    { title: 'Playlist promue', type: 'card_list', data_type: 'playlist', Playlist_id: named, page_id: null },
    { title: null, type: 'html', data_type: null, html: '<div class="alert">Bienvenue ! <b>Maintenance</b> le 1/1 — 100% _</div>', page_id: 2 },
    { title: 'Prochains directs', type: 'card_list', data_type: 'event_next', page_id: 1 },
  ];
  for (let b = 1; b <= blocks.length; b += 1) {
    const r = w.rng('block', b);
    const x = blocks[b - 1];
    const title = x.title as string | null;
    yield {
      id: b,
      title,
      order: b === 6 ? null : b,
      visible: b !== 4,
      type: x.type,
      data_type: x.data_type,
      html: (x.html as string | undefined) ?? null,
      display_title: title,
      display_title_fr: title,
      display_title_en: b === 1 ? 'Last videos' : null,
      no_cache: r.bool(0.5),
      debug: b === 5,
      show_restricted: r.bool(0.3),
      must_be_auth: r.bool(0.2),
      auto_slide: r.bool(0.5),
      nb_element: x.type === 'html' ? null : r.int(0, 12),
      multi_carousel_nb: x.type === 'multi_carousel' ? r.int(1, 5) : null,
      view_videos_from_non_visible_channels: b === 2 || r.bool(0.1),
      shows_passworded: r.bool(0.2),
      Channel_id: (x.Channel_id as number | undefined) ?? null,
      Playlist_id: (x.Playlist_id as number | undefined) ?? null,
      Theme_id: (x.Theme_id as number | undefined) ?? null,
      page_id: x.page_id as number | null,
    };
  }
}

const CONFIGURATION: Array<[string, string, string, string]> = [
  ['maintenance_mode', '0', 'Activation du mode maintenance ou non', 'Activation of maintenance mode or not'],
  ['maintenance_text_short', 'Maintenance en cours', 'Texte qui sera affiché sur la barre de navigation pendant la maintenance', 'Text that will be displayed on the navigation bar during maintenance'],
  ['maintenance_text_welcome', 'La plateforme Pod est actuellement en maintenance', 'Texte qui sera affiché sur la page d’accueil pendant une maintenance', 'Text that will be displayed on the home page during maintenance'],
  ['maintenance_text_disabled', 'Pod est en maintenance, cette fonctionnalité est donc désactivée pour le moment', 'Texte qui sera affiché sur les pages qui sont désactivées pendant la maintenance', 'Text that will be displayed on pages that are disabled during maintenance'],
  ['maintenance_sheduled', '0', "Affichage d'une maintenance programmée (1) ou non (0).", 'Display a sheduled maintenance message (1) or not (0).'],
  ['maintenance_text_sheduled', 'Pod sera en maintenance <strong>le _/_/_</strong>. Évitez tout transfert de contenu à cette date.', 'Texte annoncant une maintenance.', 'Text announcing a sheduled maintenance.'],
  ['custom_footer_text', 'Université — "Service Audiovisuel" \\ 100%', 'Texte libre du pied de page', 'Free footer text'],
  ['NULL', 'NULL', 'La clé "NULL" (texte, pas une valeur nulle)', 'The "NULL" key (text, not a null value)'],
];

function* mainConfiguration(): Iterable<RowValues> {
  let id = 0;
  for (const [key, value, fr, en] of CONFIGURATION) {
    id += 1;
    yield { id, key, value, description: fr, description_fr: id === 8 ? null : fr, description_en: id === 7 ? null : en };
  }
}

function* mainLinkFooter(w: World): Iterable<RowValues> {
  const links: Array<[string, string | null, number | null, string | null]> = [
    ['Mentions légales', 'Legal Notice', 2, null],
    ['Accessibilité : Partiellement conforme', 'Accessibility: Partially compliant', 3, null],
    ['Contact', null, null, 'mailto:pod@univ-exemple.fr'],
    ["Site de l'université", 'University website', null, 'https://www.univ-exemple.fr/?a=1&b=_%'],
  ];
  for (let k = 1; k <= links.length; k += 1) {
    const [fr, en, page, url] = links[k - 1];
    yield { id: k, title: fr, title_fr: k === 3 ? null : fr, title_en: en, order: k === 4 ? null : k - 1, url, page_id: page !== null && page <= w.flatpages ? page : null };
  }
}

function* djangoAdminLog(w: World): Iterable<RowValues> {
  const n = 5 + Math.ceil(w.N / 2);
  const cts = w.ref.contentTypes;
  for (let k = 1; k <= n; k += 1) {
    const r = w.rng('admin-log', k);
    const flag = r.pick([1, 2, 2, 2, 3]);
    const ct = cts.length === 0 || r.bool(0.03) ? null : r.pick(cts);
    const repr = ct?.model === 'video' ? videoTitle(w, r.int(1, w.N)) : `${ct?.model ?? 'objet'} object (${r.int(1, 500)}) ${r.bool(0.1) ? edgeText(r) : ''}`;
    yield {
      id: k,
      action_time: dt(randomMicros(r)),
      object_id: r.bool(0.05) ? null : String(r.int(1, 500)),
      object_repr: cut(repr, 200),
      action_flag: flag,
      change_message:
        flag === 1 ? '[{"added": {}}]' : flag === 2 ? (r.bool(0.2) ? '' : '[{"changed": {"fields": ["Titre", "Description (fr)"]}}]') : '',
      content_type_id: ct?.id ?? null,
      user_id: r.int(1, Math.min(3, w.users)),
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Playlists, quizzes

function* playlistPlaylist(w: World): Iterable<RowValues> {
  for (const p of w.playlists) {
    const r = w.rng('playlist', p.id);
    const created = randomMicros(r);
    const name = p.favorites ? 'Favorites' : cut(`${r.pick(['Ma sélection', 'Révisions', 'Best of', 'Playlist « cours »', 'À voir 👀'])} ${p.id}`, 200);
    const visibility = p.favorites ? 'private' : r.pick(['public', 'protected', 'private']);
    yield {
      date_created: dt(created),
      id: p.id,
      name,
      description: p.favorites || r.bool(0.4) ? '' : sentence(r),
      password: visibility === 'protected' ? djangoPassword(r) : '',
      visibility,
      autoplay: p.favorites ? true : r.bool(0.6),
      promoted: !p.favorites && r.bool(0.1),
      editable: !p.favorites,
      slug: cut(`${p.id}-${slugify(name)}`, 210),
      date_updated: dt(created + r.int(0, 100) * DAY),
      owner_id: p.owner,
      site_id: w.ref.siteIds[0],
    };
  }
}

function* playlistContent(w: World): Iterable<RowValues> {
  let k = 0;
  for (const p of w.playlists) {
    const r = w.rng('playlist-content', p.id);
    const videos = r.distinctInts(p.id === 1 ? 3 : r.int(0, 8), 1, w.N);
    r.shuffle(videos);
    let rank = 0;
    for (const i of videos) {
      yield { id: ++k, date_added: dt(randomMicros(r)), rank: ++rank, playlist_id: p.id, video_id: w.videoId(i) };
    }
  }
}

function* playlistAdditionalOwners(w: World): Iterable<RowValues> {
  function* pairs(): Iterable<[number, number]> {
    let first = true;
    for (const p of w.playlists) {
      if (p.favorites) continue;
      const r = w.rng('playlist-owners', p.id);
      if (!first && !r.bool(0.2)) continue;
      first = false;
      for (const u of w.distinctUsers(r, r.int(1, 2), p.owner)) yield [p.id, u];
    }
  }
  yield* m2m('playlist_id', 'user_id', pairs());
}

function* quizQuiz(w: World): Iterable<RowValues> {
  let k = 0;
  for (const i of w.quizVideos) {
    const r = w.rng('quiz', i);
    yield { id: ++k, connected_user_only: r.bool(0.3), show_correct_answers: r.bool(0.7), is_draft: r.bool(0.2), video_id: w.videoId(i) };
  }
}

type QuestionKind = 'single' | 'multiple' | 'short' | 'truefalse';
const QUESTION_KINDS: QuestionKind[] = ['single', 'multiple', 'short', 'truefalse'];

function* questions(w: World, kind: QuestionKind): Iterable<RowValues> {
  let global = 0;
  for (let quiz = 1; quiz <= w.quizVideos.length; quiz += 1) {
    const r = w.rng('questions', quiz);
    const n = quiz === 1 ? 4 : r.int(1, 4);
    const duration = Math.max(10, w.videoDuration[w.quizVideos[quiz - 1] - 1]);
    for (let q = 1; q <= n; q += 1) {
      global += 1;
      // The first four questions cover the four kinds, then kinds are drawn.
      const k = global <= 4 ? QUESTION_KINDS[global - 1] : r.pick(QUESTION_KINDS);
      const qr = w.rng('question', quiz, q);
      if (k !== kind) continue;
      const start = qr.bool(0.4) ? null : qr.int(0, duration - 2);
      const row: RowValues = {
        id: uuidHex(qr),
        title: cut(`${q}. ${sentence(qr, 3, 10, 0.2).replace(/\.$/, ' ?')}`, 250),
        explanation: qr.bool(0.4) ? '' : paragraph(qr, 1),
        start_timestamp: start,
        end_timestamp: start === null ? null : qr.int(start + 1, duration),
        quiz_id: quiz,
      };
      if (kind === 'single') row.choices = { json: singleChoices(qr, global) };
      else if (kind === 'multiple') row.choices = { json: multipleChoices(qr, global) };
      else if (kind === 'short') row.answer = cut(qr.bool(0.2) ? edgeText(qr) : qr.pick(WORDS), 250);
      else row.is_true = qr.bool(0.5);
      yield row;
    }
  }
}

function singleChoices(r: Rng, n: number): string {
  const good = r.int(0, 2);
  const choices: Record<string, unknown> = {};
  ['Paris', 'Lyon', 'Saint-Étienne 🏟'].forEach((c, k) => {
    choices[c] = k === good;
  });
  if (n % 3 === 1) {
    choices['日本語の選択肢'] = false;
    choices['détails'] = { 'clé "imbriquée"': 'valeur\\avec\nretour', liste: [1, 2.5, null, true, 'é'], vide: {} };
  }
  return JSON.stringify(choices);
}

function multipleChoices(r: Rng, n: number): string {
  const choices: Record<string, unknown> = { 'Réponse A': true, 'Réponse B': r.bool(0.5), 'Réponse C « piège »': false, '🎓': r.bool(0.5) };
  if (n % 2 === 0) choices.nested = { niveau1: { niveau2: { 'ünïcødé': [{ a: 1 }, { b: -2.75e-3 }] } } };
  return JSON.stringify(choices);
}

// ---------------------------------------------------------------------------------------------------------------
// Recorders

function recorderRow(w: World, rec: number): RowValues {
  const r = w.rng('recorder', rec);
  const type = r.pick(['video', 'audiovideocast', 'studio']);
  return {
    id: rec,
    name: cut(`Enregistreur ${rec} — salle « ${r.pick(WORDS)} »`, 200),
    description: r.bool(0.3) ? '' : htmlText(r, 1),
    address_ip: rec === 2 ? '2001:db8::2' : rec === 3 ? 'fe80::1:2:3:4' : `10.${Math.floor(rec / 250) % 256}.${rec % 250}.${10 + (rec % 7)}`,
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

// ---------------------------------------------------------------------------------------------------------------
// Speakers, thumbnails, webpush

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
      title: r.pick(['Professeur des universités', 'Maître de conférences', 'Doctorante', 'Chargé de mission « numérique »', 'Directeur', 'Invité·e']),
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

function* thumbnailKvstore(w: World): Iterable<RowValues> {
  const n = Math.max(5, Math.ceil(w.N / 5));
  for (let k = 1; k <= n; k += 1) {
    const r = w.rng('kvstore', k);
    const image = md5Hex(`image-${w.seed}-${k}`);
    const thumb = md5Hex(`thumb-${w.seed}-${k}`);
    yield {
      key: `sorl-thumbnail||image||${image}`,
      value: JSON.stringify({ name: `custom/images/img_${k}.jpg`, storage: 'django.core.files.storage.FileSystemStorage', size: [r.int(100, 4000), r.int(100, 3000)] }),
    };
    yield { key: `sorl-thumbnail||thumbnails||${image}`, value: JSON.stringify([thumb]) };
  }
}

function* webpushGroup(): Iterable<RowValues> {
  const names = ['notifications', 'Groupe « live » 📢', 'admins'];
  for (let g = 1; g <= names.length; g += 1) yield { id: g, name: names[g - 1] };
}

function* webpushSubscriptionInfo(w: World): Iterable<RowValues> {
  for (let s = 1; s <= w.webpushSubscriptions; s += 1) {
    const r = w.rng('subscription', s);
    const browser = r.pick(['chrome', 'firefox', 'edge', 'safari']);
    yield {
      id: s,
      browser,
      endpoint: `https://fcm.googleapis.com/fcm/send/${base64url(r, 60)}:${base64url(r, 30)}`,
      auth: base64url(r, 16),
      p256dh: base64url(r, 65),
      user_agent: r.bool(0.2) ? '' : `Mozilla/5.0 (X11; Linux x86_64; rv:${r.int(90, 130)}.0) Gecko/20100101 ${browser}/${r.int(90, 130)}.0`,
    };
  }
}

function* webpushPushInformation(w: World): Iterable<RowValues> {
  for (let s = 1; s <= w.webpushSubscriptions; s += 1) {
    const r = w.rng('pushinfo', s);
    yield { id: s, group_id: r.bool(0.5) ? null : r.int(1, w.webpushGroups), subscription_id: s, user_id: s === 2 ? null : r.int(1, w.users) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tags (django-tagging)

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
  for (const o of w.orphanItems) if (o.kind === 'recorder') yield { id: ++id, object_id: o.objectId, content_type_id: recorder, tag_id: o.tagId };
}

// ---------------------------------------------------------------------------------------------------------------

/** Every table the seed fills, with its rule. */
export const TABLE_RULES: Record<string, TableRule> = {
  auth_user: authUser,
  auth_group: authGroup,
  auth_user_groups: authUserGroups,
  auth_group_permissions: authGroupPermissions,
  auth_user_user_permissions: authUserUserPermissions,
  authentication_owner: authenticationOwner,
  authentication_groupsite: authenticationGroupsite,
  authentication_groupsite_sites: (w) => m2m('groupsite_id', 'site_id', withSites(w, w.groups)),
  authentication_accessgroup: authenticationAccessgroup,
  authentication_accessgroup_sites: (w) => m2m('accessgroup_id', 'site_id', withSites(w, w.accessGroups)),
  authentication_accessgroup_users: (w) => m2m('accessgroup_id', 'owner_id', somePairs(w, 'accessgroup-users', Math.min(2, w.accessGroups), w.users, 1, 1, 3)),
  authentication_owner_accessgroups: (w) => m2m('owner_id', 'accessgroup_id', somePairs(w, 'owner-accessgroups', w.users, w.accessGroups, 0.5, 1, 2)),
  authentication_owner_sites: (w) => m2m('owner_id', 'site_id', withSites(w, w.users)),
  authtoken_token: authtokenToken,
  captcha_captchastore: captchaCaptchastore,
  main_customimagemodel: mainCustomImage,
  main_customfilemodel: mainCustomFile,
  podfile_userfolder: podfileUserfolder,
  podfile_customimagemodel: (w) => podfileCustomFile(w, 'image'),
  podfile_customfilemodel: (w) => podfileCustomFile(w, 'file'),
  podfile_userfolder_access_groups: (w) => m2m('userfolder_id', 'accessgroup_id', nonHomeFolderPairs(w, 'folder-groups', w.accessGroups, false)),
  podfile_userfolder_users: (w) => m2m('userfolder_id', 'user_id', nonHomeFolderPairs(w, 'folder-users', w.users, true)),
  video_type: videoType,
  video_type_sites: (w) => m2m('type_id', 'site_id', withSites(w, w.types)),
  video_discipline: videoDiscipline,
  video_channel: videoChannel,
  main_additionalchanneltab: mainAdditionalChannelTab,
  video_channel_add_channels_tab: (w) => m2m('channel_id', 'additionalchanneltab_id', somePairs(w, 'channel-tabs', w.channels, w.channelTabs, 0.2, 1, 2)),
  video_channel_allow_to_groups: (w) => m2m('channel_id', 'accessgroup_id', somePairs(w, 'channel-groups', w.channels, w.accessGroups, 0.2, 1, 2)),
  video_channel_owners: (w) => m2m('channel_id', 'user_id', somePairs(w, 'channel-owners', w.channels, w.users, 1, 1, 2)),
  video_channel_users: (w) => m2m('channel_id', 'user_id', somePairs(w, 'channel-users', w.channels, w.users, 0.4, 1, 3)),
  video_theme: videoTheme,
  video_video: videoVideo,
  video_video_additional_owners: (w) => m2m('video_id', 'user_id', perVideoPairs(w, 'additional-owners', 0.1, 1, 2, w.users, (i) => w.videoOwner[i - 1])),
  video_video_channel: videoVideoChannel,
  video_video_discipline: (w) => m2m('video_id', 'discipline_id', perVideoPairs(w, 'video-disciplines', 0.4, 1, 2, w.disciplines)),
  video_video_restrict_access_to_groups: videoVideoRestrict,
  video_video_sites: videoVideoSites,
  video_video_theme: videoVideoTheme,
  video_encode_transcript_videorendition: videoRendition,
  video_encode_transcript_videorendition_sites: (w) => m2m('videorendition_id', 'site_id', withSites(w, w.renditions)),
  video_encode_transcript_encodingvideo: encodingVideo,
  video_encode_transcript_encodingaudio: encodingAudio,
  video_encode_transcript_playlistvideo: playlistVideo,
  video_encode_transcript_encodinglog: encodingLog,
  video_encode_transcript_encodingstep: encodingStep,
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
  chapter_chapter: chapterChapter,
  completion_contributor: completionContributor,
  completion_document: completionDocument,
  completion_enrichmodelqueue: completionEnrichModelQueue,
  completion_overlay: completionOverlay,
  completion_track: completionTrack,
  cut_cutvideo: cutCutVideo,
  dressing_dressing: dressingDressing,
  dressing_dressing_allow_to_groups: (w) => m2m('dressing_id', 'accessgroup_id', somePairs(w, 'dressing-groups', w.dressings, w.accessGroups, 0.5, 1, 2)),
  dressing_dressing_owners: (w) => m2m('dressing_id', 'user_id', somePairs(w, 'dressing-owners', w.dressings, w.users, 1, 1, 2)),
  dressing_dressing_users: (w) => m2m('dressing_id', 'user_id', somePairs(w, 'dressing-users', w.dressings, w.users, 0.5, 1, 3)),
  dressing_dressing_videos: (w) => m2m('dressing_id', 'video_id', mapRight(somePairs(w, 'dressing-videos', w.dressings, w.N, 0.8, 1, 4), (i) => w.videoId(i))),
  enrichment_enrichment: enrichmentEnrichment,
  enrichment_enrichmentgroup: enrichmentGroup,
  enrichment_enrichmentgroup_groups: enrichmentGroupGroups,
  enrichment_enrichmentvtt: enrichmentVtt,
  ai_enhancement_aienhancement: aiEnhancement,
  import_video_externalrecording: externalRecording,
  live_building: liveBuilding,
  live_building_sites: (w) => m2m('building_id', 'site_id', withSites(w, w.buildings)),
  live_broadcaster: liveBroadcaster,
  live_broadcaster_manage_groups: (w) => m2m('broadcaster_id', 'group_id', somePairs(w, 'broadcaster-groups', w.broadcasters, w.groups, 0.4, 1, 2)),
  live_event: liveEvent,
  live_event_additional_owners: liveEventAdditionalOwners,
  live_event_restrict_access_to_groups: (w) => m2m('event_id', 'accessgroup_id', somePairs(w, 'event-groups', w.events, w.accessGroups, 0.2, 1, 2)),
  live_event_videos: (w) => m2m('event_id', 'video_id', mapRight(somePairs(w, 'event-videos', w.events, w.N, 0.4, 1, 3), (i) => w.videoId(i))),
  live_event_viewers: (w) => m2m('event_id', 'user_id', somePairs(w, 'event-viewers', w.events, w.users, 0.5, 1, 5)),
  live_heartbeat: liveHeartbeat,
  live_livetranscriptrunningtask: liveTranscriptTask,
  meeting: meeting,
  meeting_additional_owners: meetingAdditionalOwners,
  meeting_internalrecording: meetingInternalRecording,
  meeting_livegateway: meetingLiveGateway,
  meeting_livestream: meetingLivestream,
  meeting_meetingsessionlog: meetingSessionLog,
  meeting_restrict_access_to_groups: (w) => m2m('meeting_id', 'accessgroup_id', somePairs(w, 'meeting-groups', w.meetings, w.accessGroups, 0.2, 1, 2)),
  django_flatpage: djangoFlatpage,
  django_flatpage_sites: (w) => m2m('flatpage_id', 'site_id', withSites(w, w.flatpages)),
  main_block: mainBlock,
  main_block_sites: (w) => m2m('block_id', 'site_id', withSites(w, 6)),
  main_configuration: mainConfiguration,
  main_linkfooter: mainLinkFooter,
  main_linkfooter_sites: (w) => m2m('linkfooter_id', 'site_id', withSites(w, 4)),
  django_admin_log: djangoAdminLog,
  playlist_playlist: playlistPlaylist,
  playlist_playlistcontent: playlistContent,
  playlist_playlist_additional_owners: playlistAdditionalOwners,
  quiz_quiz: quizQuiz,
  quiz_singlechoicequestion: (w) => questions(w, 'single'),
  quiz_multiplechoicequestion: (w) => questions(w, 'multiple'),
  quiz_shortanswerquestion: (w) => questions(w, 'short'),
  quiz_truefalsequestion: (w) => questions(w, 'truefalse'),
  recorder_recorder: recorderRecorder,
  recorder_recorder_additional_users: (w) => m2m('recorder_id', 'user_id', somePairs(w, 'recorder-users', w.recorders, w.users, 0.3, 1, 2)),
  recorder_recorder_channel: (w) => m2m('recorder_id', 'channel_id', somePairs(w, 'recorder-channels', w.recorders, w.channels, 0.5, 1, 2)),
  recorder_recorder_discipline: (w) => m2m('recorder_id', 'discipline_id', somePairs(w, 'recorder-disciplines', w.recorders, w.disciplines, 0.5, 1, 2)),
  recorder_recorder_restrict_access_to_groups: (w) => m2m('recorder_id', 'group_id', somePairs(w, 'recorder-groups', w.recorders, w.groups, 0.2, 1, 2)),
  recorder_recorder_sites: (w) => m2m('recorder_id', 'site_id', withSites(w, w.recorders)),
  recorder_recorder_theme: (w) => m2m('recorder_id', 'theme_id', somePairs(w, 'recorder-themes', w.recorders, w.themes, 0.3, 1, 2)),
  recorder_recording: recorderRecording,
  recorder_recordingfile: recorderRecordingFile,
  recorder_recordingfiletreatment: recorderRecordingFileTreatment,
  speaker_speaker: speakerSpeaker,
  speaker_job: speakerJob,
  speaker_jobvideo: speakerJobVideo,
  thumbnail_kvstore: thumbnailKvstore,
  webpush_group: webpushGroup,
  webpush_subscriptioninfo: webpushSubscriptionInfo,
  webpush_pushinformation: webpushPushInformation,
  tagging_tag: taggingTag,
  tagging_taggeditem: taggingTaggedItem,
};

function* mapRight(pairs: Iterable<[number, number]>, f: (b: number) => number): Iterable<[number, number]> {
  for (const [a, b] of pairs) yield [a, f(b)];
}

/** Tables Pod's schema fills itself (migrate): the seed references them, never writes them. */
export const REFERENCE_TABLES = ['django_content_type', 'auth_permission', 'django_site'];
