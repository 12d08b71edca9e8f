/**
 * Django's `slugify(value, allow_unicode=False)` (django/utils/text.py, unchanged from Django 3.2 to 5.x) and the slug
 * Tagulous 2.1.0 derives from a tag name (`BaseTagModel.save` in tagulous/models/models.py).
 *
 * Django:
 *     value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
 *     value = re.sub(r"[^\w\s-]", "", value.lower())
 *     return re.sub(r"[-\s]+", "-", value).strip("-_")
 *
 * After the ASCII step, Python's `\w` is [A-Za-z0-9_] and `\s` is [\t\n\v\f\r\x1c-\x1f ] (Python's `str.isspace()`
 * includes the four information separators U+001C..U+001F, which JavaScript's `\s` does not), so both classes are
 * spelled out here instead of using JavaScript's `\w`/`\s`.
 */

/** `TAGULOUS_NAME_MAX_LENGTH` in Pod 4.0 (`pod/settings.py`): the tag model's `name varchar(80)`. */
export const TAGULOUS_NAME_MAX_LENGTH = 80;
/** Tagulous default `SLUG_MAX_LENGTH` (Pod does not override it): `slug varchar(50)`. */
export const TAGULOUS_SLUG_MAX_LENGTH = 50;
/** Tagulous default `SLUG_TRUNCATE_UNIQUE`: characters kept free for the `_N` suffix of a colliding slug. */
export const TAGULOUS_SLUG_TRUNCATE_UNIQUE = 5;

/** Python's `\s` restricted to ASCII, as the body of a character class. */
const PY_ASCII_SPACE = '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f ';
const NON_ASCII = /[^\x00-\x7f]+/g;
const NOT_WORD_SPACE_DASH = new RegExp(`[^A-Za-z0-9_${PY_ASCII_SPACE}-]+`, 'g');
const DASHES_AND_SPACES = new RegExp(`[${PY_ASCII_SPACE}-]+`, 'g');

/** Python's `str.strip("-_")`. */
function stripDashUnderscore(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 0x2d || value.charCodeAt(start) === 0x5f)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 0x2d || value.charCodeAt(end - 1) === 0x5f)) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/**
 * A text `slugifyDjango` returns unchanged: lowercase ASCII letters, digits, `_` and single `-`, neither first nor
 * last `-` or `_`. Most of Pod's tag names are (django-tagging stored them lowercased): returned as they are, no
 * second string kept per tag (25,000 at 100,000 videos).
 */
const ALREADY_SLUG = /^(?!.*--)[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/;

/**
 * Django's `slugify(value, allow_unicode=False)`: NFKD, drop every non-ASCII code point, lowercase, drop everything
 * but [a-z0-9_], whitespace and `-`, collapse runs of `-`/whitespace to one `-`, strip leading/trailing `-` and `_`.
 * May return "" (for instance for a name written only in CJK characters).
 */
export function slugifyDjango(value: string): string {
  return ALREADY_SLUG.test(value) ? value : slugifyDjangoSteps(value);
}

/** `slugifyDjango` step by step, for every text (exported for the test that the shortcut changes nothing). */
export function slugifyDjangoSteps(value: string): string {
  const ascii = value.normalize('NFKD').replace(NON_ASCII, '');
  const kept = ascii.toLowerCase().replace(NOT_WORD_SPACE_DASH, '');
  return stripDashUnderscore(kept.replace(DASHES_AND_SPACES, '-'));
}

/**
 * The slug Tagulous 2.1.0 tries first for a new tag: `slugify(name)`, `"_"` when that is empty (the "Django 3.2 strips
 * trailing and leading underscores" fix), cut to `SLUG_MAX_LENGTH` (50). Uniqueness suffixes are added by the builder.
 */
export function tagulousSlug(name: string): string {
  const base = slugifyDjango(name);
  return (base === '' ? '_' : base).slice(0, TAGULOUS_SLUG_MAX_LENGTH);
}

/**
 * The base Tagulous uses when `tagulousSlug(name)` is taken: `slug_base[:SLUG_MAX_LENGTH - SLUG_TRUNCATE_UNIQUE]`
 * (45 characters); the retried slug is `base + "_" + N`.
 */
export function tagulousSlugCollisionBase(slug: string): string {
  return slug.slice(0, TAGULOUS_SLUG_MAX_LENGTH - TAGULOUS_SLUG_TRUNCATE_UNIQUE);
}
