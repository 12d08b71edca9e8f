/**
 * Tag names for the seed generator, as django-tagging 0.5.0 stores them under Pod 3.8.4's settings (lowercase
 * names, MAX_TAG_LENGTH = 50): common and special names, the tag strings a form would hold, and django-tagging's
 * own parsing of them (what the migration must reproduce).
 */
import { charLength, pad } from './values';

export const MAX_TAG_LENGTH = 50;

/** Realistic tag names (already lowercase, as FORCE_LOWERCASE_TAGS makes them). */
export const COMMON_TAGS = [
  'cours',
  'conférence',
  'tp',
  'td',
  'amphi',
  'python',
  'java',
  'javascript',
  'r',
  'sql',
  'linux',
  'réseau',
  'mathématiques',
  'physique',
  'chimie',
  'biologie',
  'histoire',
  'géographie',
  'droit',
  'économie',
  'médecine',
  'philosophie',
  'musique',
  'art',
  'sport',
  'langues',
  'anglais',
  'espagnol',
  'allemand',
  'français',
  'l1',
  'l2',
  'l3',
  'm1',
  'm2',
  'doctorat',
  'thèse',
  'soutenance',
  'séminaire',
  'colloque',
  'tutoriel',
  'moodle',
  'pod',
  'esup',
  'pédagogie',
  'innovation',
  'recherche',
  'laboratoire',
  'expérience',
  'statistiques',
  'probabilités',
  'algèbre',
  'analyse',
  'géométrie',
  'optique',
  'mécanique',
  'thermodynamique',
  'électronique',
  'robotique',
  'écologie',
  'climat',
  'énergie',
  'santé',
  'anatomie',
  'pharmacologie',
  'psychologie',
  'sociologie',
  'linguistique',
  'littérature',
  'poésie',
  'théâtre',
  'cinéma',
  'photographie',
  'architecture',
  'urbanisme',
  'archéologie',
  'astronomie',
  'géologie',
  'océanographie',
  'numérique',
  'data',
  'big-data',
  'cloud',
  'sécurité',
  'cybersécurité',
  'web',
  'html',
  'css',
  'php',
  'django',
  'node.js',
  'rust',
  'go',
  'kotlin',
  'swift',
  'matlab',
  'latex',
  'excel',
  'orientation',
  'insertion',
  'stage',
  'alternance',
  'erasmus',
  'international',
  'handicap',
  'accessibilité',
  'mooc',
  'webinaire',
  'podcast',
  'interview',
  'reportage',
  'documentaire',
  'rentrée',
  'examen',
  'révision',
];

/**
 * The hard cases of the tag import, each a set of names put on its own video. `accentTwin` names are dropped when
 * the database's unique fold cannot tell them apart from another name (MariaDB utf8mb4_general_ci: "élève" = "eleve").
 */
export interface SpecialTagSet {
  label: string;
  names: string[];
}

/** A name of exactly 50 characters (MAX_TAG_LENGTH), with accents. */
export const FIFTY_CHAR_TAG = 'une étiquette de cinquante caractères, pile poil !';

export const SPECIAL_TAG_SETS: SpecialTagSet[] = [
  { label: 'multi-word', names: ['machine learning', 'deep learning', 'python'] },
  { label: 'accent', names: ['élève', 'pédagogie'] },
  // The unaccented twin of "élève", on another video: only where the UNIQUE(name) fold keeps them apart.
  { label: 'accent twin', names: ['eleve', 'cours'] },
  { label: 'slug collision', names: ['c++', 'c', 'c#'] },
  { label: 'comma', names: ['rock, paper, scissors', 'jeux'] },
  { label: 'non-latin', names: ['日本語', '中文', 'русский', 'العربية'] },
  { label: 'fifty chars', names: [FIFTY_CHAR_TAG, 'long'] },
  { label: 'sql-ish', names: ['null', '100%', 'snake_case', "l'amphi"] },
  { label: 'symbols', names: ['🎓', 'back\\slash', 'ß-straße', 'intelligence artificielle'] },
];

/** Generated names for volume (300-tag video, large N): course codes, lowercase, distinct. */
export function generatedTagName(k: number): string {
  const stems = ['ue', 'module', 'semestre', 'projet', 'groupe', 'parcours', 'promo', 'session'];
  return `${stems[k % stems.length]}-${pad(Math.floor(k / stems.length) + 1, 3)}`;
}

/** django-tagging's rule: a name is quoted when it holds a space or a comma (it can never hold a double quote). */
function needsQuotes(name: string): boolean {
  return name.includes(' ') || name.includes(',');
}

/**
 * The raw `tags` column text for these names: names with a space or comma are quoted ("machine learning"),
 * and then the names are joined with ", " (as django-tagging's edit_string_for_tags does); otherwise with a space.
 */
export function tagString(names: readonly string[]): string {
  const quoted = names.some(needsQuotes);
  const parts = names.map((n) => (needsQuotes(n) ? `"${n}"` : n));
  return parts.join(quoted ? ', ' : ' ');
}

/** The longest prefix of `names` whose tag string fits in `maxChars` characters. */
export function tagStringFitting(names: readonly string[], maxChars: number): { text: string; count: number } {
  let count = 0;
  let text = '';
  for (let i = 1; i <= names.length; i += 1) {
    const candidate = tagString(names.slice(0, i));
    if (charLength(candidate) > maxChars) break;
    text = candidate;
    count = i;
  }
  return { text, count };
}

function splitStrip(text: string, delimiter: string): string[] {
  return text
    .split(delimiter)
    .map((w) => w.trim())
    .filter((w) => w !== '');
}

/**
 * django-tagging 0.5.0 `parse_tag_input` (then lowercased, as FORCE_LOWERCASE_TAGS does): the names a `tags`
 * string stands for, deduplicated and sorted (Python's code-point order).
 */
export function parseTagInput(input: string): string[] {
  if (!input) return [];
  let words: string[];
  if (!input.includes(',') && !input.includes('"')) {
    words = splitStrip(input, ' ');
  } else {
    words = [];
    let buffer: string[] = [];
    const toBeSplit: string[] = [];
    let sawLooseComma = false;
    let openQuote = false;
    const chars = Array.from(input);
    let i = 0;
    let ended = false;
    while (!ended) {
      if (i >= chars.length) break;
      let c = chars[i++];
      if (c === '"') {
        if (buffer.length > 0) {
          toBeSplit.push(buffer.join(''));
          buffer = [];
        }
        openQuote = true;
        if (i >= chars.length) {
          ended = true;
          break;
        }
        c = chars[i++];
        while (c !== '"') {
          buffer.push(c);
          if (i >= chars.length) {
            ended = true;
            break;
          }
          c = chars[i++];
        }
        if (ended) break;
        if (buffer.length > 0) {
          const word = buffer.join('').trim();
          if (word) words.push(word);
          buffer = [];
        }
        openQuote = false;
      } else {
        if (!sawLooseComma && c === ',') sawLooseComma = true;
        buffer.push(c);
      }
    }
    if (buffer.length > 0) {
      if (openQuote && buffer.includes(',')) sawLooseComma = true;
      toBeSplit.push(buffer.join(''));
    }
    if (toBeSplit.length > 0) {
      const delimiter = sawLooseComma ? ',' : ' ';
      for (const chunk of toBeSplit) words.push(...splitStrip(chunk, delimiter));
    }
  }
  const unique = [...new Set(words.map((w) => w.toLowerCase()))];
  return unique.sort(compareCodePoints);
}

/** Python's default string order (by code point), not JS's UTF-16 order. */
export function compareCodePoints(a: string, b: string): number {
  const ca = Array.from(a);
  const cb = Array.from(b);
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i += 1) {
    const x = ca[i].codePointAt(0) ?? 0;
    const y = cb[i].codePointAt(0) ?? 0;
    if (x !== y) return x - y;
  }
  return ca.length - cb.length;
}
