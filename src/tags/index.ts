/** django-tagging (Pod 3.8) → Tagulous 2.1.0 (Pod 4.0) tag tables: pure logic, no database access. */
export {
  slugifyDjango,
  tagulousSlug,
  tagulousSlugCollisionBase,
  TAGULOUS_NAME_MAX_LENGTH,
  TAGULOUS_SLUG_MAX_LENGTH,
  TAGULOUS_SLUG_TRUNCATE_UNIQUE,
} from './slugify';
export { splitPodTagName, joinPodTagName, podTagNameLosses } from './split';
export {
  buildTagTables,
  buildTagTablesAsync,
  TagTableBuilder,
  exactFold,
  caseInsensitiveKey,
  compareCodePoints,
  pythonLower,
  formatTagBuildExamples,
} from './build';
export type {
  ObjectId,
  TaggedObject,
  ExistingTag,
  BuildTagTablesOptions,
  TagRow,
  TagLinkRow,
  TagBuildError,
  TagBuildErrorCode,
  TagBuildStats,
  TagTables,
  MergedSpellingExample,
  SlugCollisionExample,
} from './build';
export { TaggedObjectStore, objectKeyOf } from './tagged-objects';
export { aggregateTagPairBatches, aggregateTagPairs, TagPairAggregator } from './aggregate';
export type { TagPairRow, TagPairInput, TagPairSummary, AggregatedObject } from './aggregate';
