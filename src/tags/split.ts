/**
 * The `tag_name` field of Pod's v3→v4 dump: `export_data_from_v3_to_v4` joins a video's (or recorder's) tag names with
 * `GROUP_CONCAT(t.name)` on MySQL/MariaDB (separator `,`) or `STRING_AGG(t.name, ', ')` on PostgreSQL (separator
 * `, `). Names never contain `"` (django-tagging forbids it) but may contain spaces and, when they were quoted in v3,
 * commas. A name that contained a comma cannot be told apart from two names once joined; that loss is reported by
 * the dump reader, not here.
 */

/**
 * Splits a dump's `tag_name` into names: on commas only (never on spaces, unlike Tagulous's string parser, so
 * "machine learning" stays one name), each piece trimmed (which also absorbs PostgreSQL's `, ` separator), empty
 * pieces dropped. Order and duplicates are kept; the tag builder sorts and deduplicates as Tagulous does.
 */
export function splitPodTagName(tagName: string | null | undefined): string[] {
  if (tagName === null || tagName === undefined) return [];
  const names: string[] = [];
  for (const piece of tagName.split(',')) {
    const name = piece.trim();
    if (name !== '') names.push(name);
  }
  return names;
}

/**
 * Pod's comma-joined form, as MySQL's `GROUP_CONCAT` writes it (`,`, no space), for the `tag_name` field of a dump
 * pod-migrate writes. Round-trips through `splitPodTagName` unless a name contains a comma or has surrounding
 * whitespace (see `podTagNameLosses`).
 */
export function joinPodTagName(names: readonly string[]): string {
  return names.join(',');
}

/** The names that `splitPodTagName(joinPodTagName(names))` would not give back unchanged (comma inside, surrounding whitespace, empty). */
export function podTagNameLosses(names: readonly string[]): string[] {
  return names.filter((name) => name.includes(',') || name.trim() !== name || name === '');
}
