/**
 * Every table the seed fills, with its rule: one module per Pod app (Django's and third-party apps' tables go with
 * the Pod app that uses them). Each rule yields rows as plain objects keyed by column name, in id order;
 * generator.ts maps them onto the live columns (dropping columns the schema lacks, filling ones the rules do not
 * know) and converts to canonical form.
 *
 * Every text respects the DDL's varchar length of Pod 3.8.4. Unique text values embed an id or come from lists
 * that stay distinct under MariaDB's case- and accent-insensitive utf8mb4_general_ci (where every emoji is equal to
 * every other one, so emoji never make two values distinct).
 */
import type { TableRule } from '../rules';
import { aiEnhancementRules } from './ai-enhancement';
import { authenticationRules } from './authentication';
import { chapterRules } from './chapter';
import { completionRules } from './completion';
import { cutRules } from './cut';
import { dressingRules } from './dressing';
import { enrichmentRules } from './enrichment';
import { importVideoRules } from './import-video';
import { liveRules } from './live';
import { mainRules } from './main';
import { meetingRules } from './meeting';
import { playlistRules } from './playlist';
import { podfileRules } from './podfile';
import { quizRules } from './quiz';
import { recorderRules } from './recorder';
import { speakerRules } from './speaker';
import { taggingRules } from './tagging';
import { videoRules } from './video';
import { videoEncodeTranscriptRules } from './video-encode-transcript';

export type { RowValues, TableRule } from '../rules';

const APP_RULES: Array<Record<string, TableRule>> = [
  authenticationRules,
  mainRules,
  podfileRules,
  videoRules,
  videoEncodeTranscriptRules,
  chapterRules,
  completionRules,
  cutRules,
  dressingRules,
  enrichmentRules,
  aiEnhancementRules,
  importVideoRules,
  liveRules,
  meetingRules,
  playlistRules,
  quizRules,
  recorderRules,
  speakerRules,
  taggingRules,
];

/** Every table the seed fills, with its rule (the write order comes from the schema's foreign keys, not from here). */
export const TABLE_RULES: Record<string, TableRule> = Object.assign({}, ...APP_RULES);

/** Tables Pod's schema fills itself (migrate): the seed references them, never writes them. */
export const REFERENCE_TABLES = ['django_content_type', 'auth_permission', 'django_site'];
