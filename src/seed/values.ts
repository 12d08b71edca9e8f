/**
 * Value pools and formatting for the seed generator: names, words, edge-case texts, canonical datetimes, slugs
 * and the fold a MariaDB `utf8mb4_general_ci` UNIQUE index applies.
 */
import { createHash } from 'node:crypto';
import type { Rng } from './random';

// ---------------------------------------------------------------------------------------------------------------
// Text helpers

/** Truncates to at most `max` characters (code points, as MySQL and PostgreSQL count them), never splitting a pair. */
export function truncateChars(text: string, max: number): string {
  if (text.length <= max) return text; // UTF-16 length ≥ code points
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join('');
}

export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** Django's `slugify` (allow_unicode=False): ASCII-folded, lowercased, spaces and dashes joined by '-'. */
export function slugify(text: string): string {
  const ascii = text.normalize('NFKD').replace(/[^\x00-\x7f]/g, '');
  const cleaned = ascii.toLowerCase().replace(/[^\w\s-]/g, '');
  return cleaned.replace(/[-\s]+/g, '-').replace(/^[-_]+|[-_]+$/g, '');
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * How MariaDB/MySQL `utf8mb4_general_ci` compares text in a UNIQUE index (approximation good enough to avoid
 * collisions): case and accents folded, ß = s, every supplementary-plane character (emoji…) equal to every other
 * one, trailing spaces ignored (PAD SPACE).
 */
export function generalCiFold(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFD').replace(/[\u0300-\u036f]/g, '')) {
    out += (ch.codePointAt(0) ?? 0) > 0xffff ? '\ufffd' : ch;
  }
  return out.toLowerCase().replace(/ß/g, 's').replace(/ +$/, '');
}

export function identityFold(text: string): string {
  return text;
}

// ---------------------------------------------------------------------------------------------------------------
// Canonical datetimes (UTC): 'YYYY-MM-DD HH:MM:SS.ffffff', dates, times.

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;

/** 2016-01-01T00:00:00Z in microseconds. */
export const EPOCH_START = Date.UTC(2016, 0, 1) * 1000;
/** 2024-12-31T00:00:00Z in microseconds. */
export const EPOCH_END = Date.UTC(2024, 11, 31) * 1000;

export function formatDatetime(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const rest = micros - ms * 1000; // 0..999
  const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:MM:SS.mmmZ
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}${pad(Math.round(rest), 3)}`;
}

export function formatDate(micros: number): string {
  return new Date(Math.floor(micros / 1000)).toISOString().slice(0, 10);
}

/** Seconds of the day plus microseconds → 'HH:MM:SS.ffffff'. */
export function formatTime(seconds: number, micros: number): string {
  const h = Math.floor(seconds / 3600) % 24;
  const m = Math.floor(seconds / 60) % 60;
  const s = seconds % 60;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(micros, 6)}`;
}

/** "HH:MM:SS" from a number of seconds (cut_cutvideo.duration, varchar(10)). */
export function formatDuration(seconds: number): string {
  return `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
}

/** A datetime in [from, to] microseconds; about one in eight has zero microseconds (as rows written by Django 1.x). */
export function randomMicros(rng: Rng, from = EPOCH_START, to = EPOCH_END): number {
  const seconds = rng.int(Math.floor(from / MICROS_PER_SECOND), Math.floor(to / MICROS_PER_SECOND));
  const micro = rng.bool(0.125) ? 0 : rng.int(1, 999_999);
  return seconds * MICROS_PER_SECOND + micro;
}

/** A version-4 UUID, canonical form (32 lowercase hex digits, no dashes). */
export function uuidHex(rng: Rng): string {
  const hex = rng.hex(32).split('');
  hex[12] = '4';
  hex[16] = '89ab'[parseInt(hex[16], 16) & 3];
  return hex.join('');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function md5Hex(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

// ---------------------------------------------------------------------------------------------------------------
// Pools

export const FIRST_NAMES = [
  'Jean',
  'Marie',
  'Émilie',
  'François',
  'Zoë',
  'Chloé',
  'Noël',
  'Anaïs',
  'Jérôme',
  'Hélène',
  'Loïc',
  'Maël',
  'Ahmed',
  'Fatima',
  'Nguyễn',
  'Søren',
  'Łukasz',
  'José',
  'Björn',
  'Yasmine',
  'Ines',
  'Paul',
  'Lucie',
  'Karim',
  'Ōtani',
  'Иван',
  '美咲',
  'Mary-Jane',
  "D'Artagnan",
  'Élodie',
  'Thomas',
  'Camille',
  'Ève',
  'Gaëlle',
  'Agnès',
];

export const LAST_NAMES = [
  'Dupont',
  'Martin',
  'Durand',
  'Lefèvre',
  'Müller',
  "O'Connor",
  'Nguyễn Văn',
  'García Márquez',
  'van der Berg',
  'Łukasiewicz',
  'Žižek',
  'Ben Ali',
  'Dubois',
  'Moreau',
  'Laurent',
  'Simon',
  'Michel',
  'Garcia',
  'Bernard',
  'Petit',
  'Roux',
  'Fournier',
  'Girard',
  'Bonnet',
  'Mercier',
  'Faure',
  'André',
  'Lambert',
  'Rousseau',
  'Blanc',
  '张',
  'Иванова',
  'de La Fontaine',
  'Castañeda',
  'Øster',
];

export const TOPICS = [
  'Mathématiques',
  'Physique quantique',
  'Chimie organique',
  'Biologie cellulaire',
  'Informatique',
  'Histoire médiévale',
  'Géographie',
  'Droit constitutionnel',
  'Économie',
  'Médecine',
  'Philosophie',
  'Littérature comparée',
  'Musicologie',
  'Sciences de l’éducation',
  'Sociologie',
  'Psychologie',
  'Astrophysique',
  'Linguistique',
  'Arts plastiques',
  'STAPS',
  'Machine learning',
  'Génie civil',
  'Écologie',
  'Statistiques',
  'Pharmacie',
  'Langues étrangères',
  'Archéologie',
];

export const TITLE_PREFIXES = [
  'Cours',
  'Conférence',
  'Séminaire',
  'TD',
  'TP',
  'Amphi',
  'Colloque',
  'Soutenance',
  'Interview',
  'Tutoriel',
  'Webinaire',
  'Masterclass',
  'Présentation',
  'Atelier',
  'Lecture',
  'Keynote',
];

export const TITLE_SUFFIXES = [
  'partie 1',
  'partie 2',
  'introduction',
  'chapitre 3',
  'séance 12',
  'révisions',
  'corrigé',
  'questions-réponses',
  'L1 S2',
  'M2',
  '2019-2020',
  'épisode final',
  'rediffusion',
  '(version longue)',
  'Q&A',
];

export const WORDS = [
  'analyse',
  'théorème',
  'démonstration',
  'expérience',
  'modèle',
  'hypothèse',
  'données',
  'réseau',
  'énergie',
  'système',
  'évolution',
  'structure',
  'fonction',
  'équation',
  'méthode',
  'résultat',
  'étude',
  'problème',
  'cellule',
  'molécule',
  'société',
  'histoire',
  'langage',
  'image',
  'son',
  'vidéo',
  'pédagogie',
  'université',
  'étudiant',
  'professeur',
  'laboratoire',
  'recherche',
  'algorithme',
  'optimisation',
  'probabilité',
  'matrice',
];

/**
 * Hard texts: backslashes, quotes, tabs, newlines, LIKE wildcards, the literal "NULL", emoji (4-byte), scripts,
 * combining accents, SQL-looking text. No NUL byte (PostgreSQL cannot store it: see `NUL_TEXT`).
 */
export const EDGE_TEXTS = [
  'C:\\Users\\pod\\Vidéos\\cours\\amphi.mp4',
  'Backslash at the end \\',
  'L\'amphi "Gutenberg" — salle n°101',
  'tab\tseparated\tvalues',
  'line one\nline two\r\nline three',
  '100% réussite_garantie (LIKE wildcards % and _)',
  'NULL',
  'null',
  '🎓🎬 émoji 👩‍🏫 drapeau 🇫🇷 et 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  'Ελληνικά · русский · العربية · 日本語 · 中文 · עברית · हिन्दी',
  "'; DROP TABLE video_video; --",
  'a\\nb (a backslash-n, not a newline)',
  '{"not": "a json column"} [1, 2, 3]',
  'e\u0301le\u0300ve (combining accents, NFD)',
  'zero\u200bwidth\u200bspaces',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a text that looks like a placeholder on purpose
  '$1 $$ ${x} {{ident}} ? :name',
  '<script>alert("xss")</script> &amp; &lt;b&gt;',
  'Ünïcödé ßtraße œuvre Æsir ǅ ﬁ',
];

/** The NUL character: never in default seed data (PostgreSQL text cannot hold it). See `withNulByte`. */
export const NUL_TEXT = 'before\u0000after';

export function edgeText(rng: Rng): string {
  return rng.pick(EDGE_TEXTS);
}

/** A few words, sometimes with an edge-case text inside. */
export function sentence(rng: Rng, minWords = 4, maxWords = 14, edgeProbability = 0.1): string {
  const n = rng.int(minWords, maxWords);
  const words: string[] = [];
  for (let i = 0; i < n; i += 1) words.push(rng.pick(WORDS));
  if (rng.bool(edgeProbability)) words.splice(rng.int(0, words.length), 0, edgeText(rng));
  const s = words.join(' ');
  return `${s.charAt(0).toUpperCase() + s.slice(1)}.`;
}

export function paragraph(rng: Rng, sentences = 3): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i += 1) out.push(sentence(rng));
  return out.join(' ');
}

export function htmlText(rng: Rng, paragraphs = 2): string {
  const out: string[] = [];
  for (let i = 0; i < paragraphs; i += 1) out.push(`<p>${paragraph(rng, rng.int(1, 3))}</p>`);
  return out.join('\r\n');
}

/**
 * A text of at least `minBytes` UTF-8 bytes (> 64 KiB: beyond MySQL TEXT, a test for LONGTEXT, dump buffers and
 * parameter sizes), with multibyte characters, newlines, tabs and backslashes.
 */
export function bigText(rng: Rng, minBytes = 70_000): string {
  const parts: string[] = [];
  let bytes = 0;
  let line = 0;
  while (bytes < minBytes) {
    line += 1;
    const piece = `${pad(line, 5)}\t${sentence(rng, 8, 20, 0.3)} — ${rng.pick(TOPICS)} \\ « ${rng.pick(WORDS)} » 🎓\n`;
    parts.push(piece);
    bytes += Buffer.byteLength(piece, 'utf8');
  }
  return parts.join('');
}
