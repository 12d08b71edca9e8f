/**
 * The seeded "world": how many of each entity exist, their ids, and the few attributes other tables need
 * (video owners, durations, dates, tags, comment id ranges…). Everything is computed from the seed, the number of
 * videos and the live schema, with keyed random streams (see random.ts): no value depends on generation order.
 *
 * Memory is O(videos) in small typed arrays; the rows themselves are produced lazily by the rules of apps/*.ts.
 */
import type { SchemaInfo, TableInfo } from '../dialects/dialect';
import { rngFor, type Rng } from './random';
import {
  EPOCH_END,
  EPOCH_START,
  FIRST_NAMES,
  LAST_NAMES,
  MICROS_PER_DAY,
  generalCiFold,
  identityFold,
  randomMicros,
  sha256Hex,
  slugify,
} from './values';
import { buildTags, type OrphanItem, type SpecialVideos } from './world-tags';

export interface ContentTypeRef {
  id: number;
  app_label: string;
  model: string;
}

/** Rows the seed does not create but references: they come with Pod's schema (`migrate`). */
export interface ReferenceData {
  siteIds: number[];
  contentTypes: ContentTypeRef[];
  permissionIds: number[];
}

export type { OrphanItem, SpecialVideos } from './world-tags';

export type UniqueFold = (collation: string | null) => (text: string) => string;

export interface GenerateOptions {
  /** Number of videos; every other volume scales from it (users ≈ videos/5…). */
  videos: number;
  /** Default 1. Same seed + same schema → same rows. */
  seed?: number;
  /**
   * A few videos whose encoding files still carry their previous owner's hashkey in their path
   * (`videos/<old hashkey>/<video id>/…`), as left by an owner change. Default off.
   */
  staleOwnerPaths?: boolean;
  /**
   * A busier site, the shape of the performance issue's measurements (about 10 view-count days and 5 tags per
   * video, encoding logs of 4–12 KB: ≈ 40 rows and 12 KB of dump per video instead of 32 and 5 KB). Default off.
   */
  busy?: boolean;
  /** Content types, sites and permissions already in the database. Default: Pod 3.8.4's fresh-database rows. */
  reference?: ReferenceData;
  /**
   * How the database compares text in a UNIQUE index, per collation (the dialect's `uniqueFold`). Default: MariaDB /
   * MySQL `*_ci` collations fold case and accents (schema.serverVersion not PostgreSQL), PostgreSQL compares exactly.
   */
  uniqueFold?: UniqueFold;
}

/** Pod 3.8.4's content types, in id order from 1 (test/fixtures/pod-schemas/pod-3.8.4/*-initial-data.sql). */
const POD_384_CONTENT_TYPES =
  'auth.permission auth.group auth.user contenttypes.contenttype sessions.session sites.site flatpages.flatpage ' +
  'thumbnail.kvstore tagging.tag tagging.taggeditem cas.tgt cas.pgtiou captcha.captchastore authtoken.token ' +
  'authtoken.tokenproxy chunked_upload.chunkedupload lti_provider.lticoursecontext webpush.group ' +
  'webpush.pushinformation webpush.subscriptioninfo main.additionalchanneltab main.block main.configuration ' +
  'main.customfilemodel main.customimagemodel main.linkfooter admin.logentry authentication.accessgroup ' +
  'authentication.groupsite authentication.owner video.advancednotes video.channel video.comment video.discipline ' +
  'video.theme video.type video.updateowner video.video video.vote video.videoversion video.videotodelete ' +
  'video.notecomments video.category video.viewcount video.videoaccesstoken video.usermarkertime video.notes ' +
  'podfile.userfolder podfile.customimagemodel podfile.customfilemodel playlist.playlist playlist.playlistcontent ' +
  'quiz.multiplechoicequestion quiz.quiz quiz.truefalsequestion quiz.singlechoicequestion quiz.shortanswerquestion ' +
  'completion.contributor completion.document completion.enrichmodelqueue completion.overlay completion.track ' +
  'chapter.chapter enrichment.enrichment enrichment.enrichmentgroup enrichment.enrichmentvtt live.broadcaster ' +
  'live.building live.event live.livetranscriptrunningtask live.heartbeat recorder.recorder ' +
  'recorder.recordingfiletreatment recorder.recordingfile recorder.recording meeting.livegateway meeting.meeting ' +
  'meeting.meetingsessionlog meeting.livestream meeting.internalrecording cut.cutvideo ' +
  'video_encode_transcript.videorendition video_encode_transcript.playlistvideo ' +
  'video_encode_transcript.encodingvideo video_encode_transcript.encodingstep video_encode_transcript.encodinglog ' +
  'video_encode_transcript.encodingaudio import_video.externalrecording dressing.dressing ' +
  'ai_enhancement.aienhancement speaker.job speaker.speaker speaker.jobvideo';

export const POD_384_REFERENCE: ReferenceData = {
  siteIds: [1],
  contentTypes: POD_384_CONTENT_TYPES.split(' ').map((name, i) => {
    const [app_label, model] = name.split('.');
    return { id: i + 1, app_label, model };
  }),
  permissionIds: Array.from({ length: 373 }, (_, i) => i + 1),
};

export function isPostgresSchema(schema: SchemaInfo): boolean {
  return /postgres/i.test(schema.serverVersion);
}

/** The default UNIQUE fold for the schema's database (see GenerateOptions.uniqueFold). */
export function defaultUniqueFold(schema: SchemaInfo): UniqueFold {
  if (isPostgresSchema(schema)) return () => identityFold;
  return (collation) => (collation !== null && /_bin$/i.test(collation) ? identityFold : generalCiFold);
}

/** Ids above 2^31 in these bigint tables, on their last rows (safe JS integers). */
export const BIG_ID_TABLES = ['video_comment', 'video_viewcount', 'video_encode_transcript_encodingvideo', 'chapter_chapter'];
const BIG_ID_BASES = [2 ** 31, 2 ** 33];

export class World {
  readonly seed: number;
  readonly N: number;
  readonly schema: SchemaInfo;
  readonly ref: ReferenceData;
  readonly staleOwnerPaths: boolean;
  readonly busy: boolean;
  readonly postgres: boolean;

  // Volumes
  readonly users: number;
  readonly groups: number;
  readonly accessGroups: number;
  readonly mainImages: number;
  readonly mainFiles: number;
  readonly podfileImages: number;
  readonly podfileFiles: number;
  readonly types: number;
  readonly disciplines: number;
  readonly channels: number;
  readonly channelTabs = 4;
  readonly renditions = 5;
  readonly recorders: number;
  readonly buildings: number;
  readonly broadcasters: number;
  readonly events: number;
  readonly meetings: number;
  readonly dressings: number;
  readonly speakers: number;
  readonly flatpages = 5;
  readonly webpushGroups = 3;
  readonly webpushSubscriptions: number;
  readonly videosToDelete: number;

  // Users
  private readonly hashkeys: string[];
  private readonly usernames: string[];

  // Podfile folders: index = id - 1
  readonly folderOwner: number[] = [];
  readonly folderName: string[] = [];
  readonly podfileImageFolder: Int32Array;
  readonly podfileFileFolder: Int32Array;

  // Themes
  readonly themeStart: Int32Array; // per channel (0-based channel index) → first theme id
  readonly themeCount: Int32Array;
  readonly themes: number;
  readonly themeChannel: number[] = [];

  // Videos, by index 1..N stored at [index - 1]
  readonly videoOwner: Int32Array;
  readonly videoType: Int32Array;
  readonly videoDate: Float64Array;
  readonly videoDuration: Int32Array;
  readonly videoFlags: Uint8Array;
  readonly videoOldOwner = new Map<number, number>();
  readonly videoTags: number[][];
  readonly videoTagString: string[];

  // Per-video children referenced by other tables: prefix sums
  readonly commentStart: Int32Array;
  readonly advNoteStart: Int32Array;

  // Subsets
  readonly quizVideos: number[] = [];
  readonly enrichmentGroupVideos: number[] = [];
  readonly playlists: Array<{ id: number; owner: number; favorites: boolean }> = [];
  readonly categories: Array<{ id: number; owner: number }> = [];
  readonly jobs: Array<{ id: number; speaker: number }> = [];
  readonly recorderTags: number[][];
  readonly recorderTagString: string[];
  readonly liveGateways: Array<{ id: number; broadcaster: number }> = [];

  // Tags
  readonly tagNames: string[];
  readonly orphanItems: OrphanItem[];
  readonly special: SpecialVideos;

  private readonly bigPk = new Set<string>();
  private readonly fkTargets = new Map<string, string>();

  static readonly DRAFT = 1;
  static readonly RESTRICTED = 2;
  static readonly ENCODED = 4;
  static readonly IS_VIDEO = 8;
  static readonly IN_PROGRESS = 16;

  constructor(schema: SchemaInfo, options: GenerateOptions) {
    if (!Number.isInteger(options.videos) || options.videos < 1) throw new Error(`videos must be an integer ≥ 1 (got ${options.videos})`);
    if (options.videos > 2_000_000)
      throw new Error('videos must be at most 2,000,000 (video ids must stay below 2^31 for tagging_taggeditem.object_id)');
    this.seed = options.seed ?? 1;
    this.N = options.videos;
    this.schema = schema;
    this.ref = options.reference ?? POD_384_REFERENCE;
    if (this.ref.siteIds.length === 0) throw new Error('no django_site row: load Pod’s initial data first');
    this.staleOwnerPaths = options.staleOwnerPaths ?? false;
    this.busy = options.busy ?? false;
    this.postgres = isPostgresSchema(schema);

    for (const fk of schema.foreignKeys) this.fkTargets.set(`${fk.table}.${fk.column}`, fk.refTable);
    for (const name of BIG_ID_TABLES) {
      const t = schema.tables.get(name);
      const pk = t?.columns.find((c) => c.name === 'id');
      if (pk && /bigint|int8/i.test(pk.nativeType)) this.bigPk.add(name);
    }

    const N = this.N;
    this.users = Math.max(12, Math.ceil(N / 5));
    this.groups = Math.max(3, Math.ceil(this.users / 25));
    this.accessGroups = Math.max(4, Math.ceil(this.users / 15));
    this.mainImages = Math.max(10, Math.ceil(N / 3));
    this.mainFiles = Math.max(6, Math.ceil(N / 10));
    this.podfileImages = Math.max(10, Math.ceil(N / 4));
    this.podfileFiles = Math.max(6, Math.ceil(N / 10));
    this.types = Math.min(12, 4 + Math.ceil(N / 200));
    this.disciplines = Math.max(4, Math.min(60, Math.ceil(N / 40)));
    this.channels = Math.max(4, Math.ceil(N / 25));
    this.recorders = Math.max(3, Math.ceil(N / 150));
    this.buildings = Math.max(2, Math.ceil(N / 500));
    this.broadcasters = Math.max(3, Math.ceil(N / 200));
    this.events = Math.max(4, Math.ceil(N / 50));
    this.meetings = Math.max(4, Math.ceil(N / 40));
    this.dressings = Math.max(2, Math.ceil(N / 200));
    this.speakers = Math.max(3, Math.ceil(N / 40));
    this.webpushSubscriptions = Math.max(3, Math.ceil(this.users / 10));
    this.videosToDelete = Math.max(2, Math.ceil(N / 200));

    // Users
    this.usernames = [];
    this.hashkeys = [];
    for (let u = 1; u <= this.users; u += 1) {
      const name = this.makeUsername(u);
      this.usernames.push(name);
      // Pod: hashlib.sha256((SECRET_KEY + username).encode("utf-8")).hexdigest()
      this.hashkeys.push(sha256Hex(`seed-${this.seed}-secret${name}`));
    }

    // Podfile folders: a home folder per user (ids 1..users), then some named folders.
    for (let u = 1; u <= this.users; u += 1) {
      this.folderOwner.push(u);
      this.folderName.push('home');
    }
    const folderNames = ['Cours', 'Images', 'Documents partagés', 'Diaporamas 🎓', 'Archives 2019', 'Projet "Pod"'];
    for (let u = 1; u <= this.users; u += 1) {
      const r = this.rng('folders', u);
      if (u > 3 && !r.bool(0.3)) continue;
      const n = r.int(1, 3);
      const picks = r.distinctInts(n, 0, folderNames.length - 1);
      for (const p of picks) {
        this.folderOwner.push(u);
        this.folderName.push(folderNames[p]);
      }
    }
    this.podfileImageFolder = new Int32Array(this.podfileImages);
    for (let k = 0; k < this.podfileImages; k += 1) this.podfileImageFolder[k] = this.rng('pfimage', k + 1).int(1, this.folderOwner.length);
    this.podfileFileFolder = new Int32Array(this.podfileFiles);
    for (let k = 0; k < this.podfileFiles; k += 1) this.podfileFileFolder[k] = this.rng('pffile', k + 1).int(1, this.folderOwner.length);

    // Themes: 0–4 per channel; channel 1 always has 4, nested.
    this.themeStart = new Int32Array(this.channels);
    this.themeCount = new Int32Array(this.channels);
    let theme = 1;
    for (let c = 1; c <= this.channels; c += 1) {
      const n = c === 1 ? 4 : this.rng('themes', c).int(0, 4);
      this.themeStart[c - 1] = theme;
      this.themeCount[c - 1] = n;
      for (let k = 0; k < n; k += 1) this.themeChannel.push(c);
      theme += n;
    }
    this.themes = theme - 1;

    // Videos
    this.videoOwner = new Int32Array(N);
    this.videoType = new Int32Array(N);
    this.videoDate = new Float64Array(N);
    this.videoDuration = new Int32Array(N);
    this.videoFlags = new Uint8Array(N);
    for (let i = 1; i <= N; i += 1) {
      const r = this.rng('video', i);
      // A few prolific owners, a long tail.
      this.videoOwner[i - 1] = 1 + Math.min(this.users - 1, Math.floor(r.next() ** 1.6 * this.users));
      this.videoType[i - 1] = r.pickSkewed(
        Array.from({ length: this.types }, (_, k) => k + 1),
        1.5,
      );
      // Dates grow with ids, with jitter.
      const base = EPOCH_START + ((EPOCH_END - EPOCH_START) * (i - 0.5)) / N;
      this.videoDate[i - 1] = randomMicros(
        r,
        Math.max(EPOCH_START, base - 20 * MICROS_PER_DAY),
        Math.min(EPOCH_END, base + 20 * MICROS_PER_DAY),
      );
      let flags = 0;
      if (r.bool(0.15)) flags |= World.DRAFT;
      if (r.bool(0.12)) flags |= World.RESTRICTED;
      const inProgress = r.bool(0.03);
      if (inProgress) flags |= World.IN_PROGRESS;
      if (!inProgress && r.bool(0.93)) flags |= World.ENCODED;
      if (r.bool(0.9)) flags |= World.IS_VIDEO;
      this.videoFlags[i - 1] = flags;
      this.videoDuration[i - 1] = flags & World.ENCODED ? (r.bool(0.02) ? 0 : r.int(5, 3 * 3600)) : 0;
    }
    if (this.staleOwnerPaths && this.users > 1) {
      for (const i of this.forced('stale', Math.max(2, Math.floor(N / 100)))) {
        const owner = this.videoOwner[i - 1];
        this.videoFlags[i - 1] |= World.ENCODED | World.IS_VIDEO;
        this.videoFlags[i - 1] &= ~World.IN_PROGRESS;
        if (this.videoDuration[i - 1] === 0) this.videoDuration[i - 1] = 600;
        this.videoOldOwner.set(i, (owner % this.users) + 1);
      }
    }

    // Comments and advanced notes: counts per video, prefix sums.
    this.commentStart = new Int32Array(N + 1);
    this.advNoteStart = new Int32Array(N + 1);
    const forcedComments = this.forced('comments', 3);
    const forcedNotes = this.forced('advnotes', 2);
    for (let i = 1; i <= N; i += 1) {
      const r = this.rng('video-children', i);
      const comments = forcedComments.has(i) ? r.int(3, 6) : r.bool(0.35) ? r.int(1, 6) : 0;
      const notes = forcedNotes.has(i) ? 3 : r.bool(0.1) ? r.int(1, 4) : 0;
      this.commentStart[i] = this.commentStart[i - 1] + comments;
      this.advNoteStart[i] = this.advNoteStart[i - 1] + notes;
    }

    for (const i of this.subset('quiz', 0.04, 3)) this.quizVideos.push(i);
    for (const i of this.subset('enrichment-group', 0.03, 2)) this.enrichmentGroupVideos.push(i);

    // Playlists: a "Favorites" playlist for about half the users, then some named ones.
    let playlistId = 1;
    for (let u = 1; u <= this.users; u += 1) {
      if (u <= 2 || this.rng('favorites', u).bool(0.5)) this.playlists.push({ id: playlistId++, owner: u, favorites: true });
    }
    const named = Math.max(3, Math.ceil(N / 25));
    for (let k = 1; k <= named; k += 1)
      this.playlists.push({ id: playlistId++, owner: this.rng('playlist-owner', k).int(1, this.users), favorites: false });

    let categoryId = 1;
    for (let u = 1; u <= this.users; u += 1) {
      const r = this.rng('categories', u);
      const n = u <= 2 ? 2 : r.bool(0.25) ? r.int(1, 3) : 0;
      for (let k = 0; k < n; k += 1) this.categories.push({ id: categoryId++, owner: u });
    }

    let jobId = 1;
    for (let s = 1; s <= this.speakers; s += 1) {
      const n = this.rng('jobs', s).int(1, 2);
      for (let k = 0; k < n; k += 1) this.jobs.push({ id: jobId++, speaker: s });
    }

    let gateway = 1;
    for (let b = 1; b <= this.broadcasters; b += 1) {
      if (b <= 2 || this.rng('gateway', b).bool(0.5)) this.liveGateways.push({ id: gateway++, broadcaster: b });
    }

    // Tags
    const tagColumn = schema.tables.get('tagging_tag')?.columns.find((c) => c.name === 'name');
    const fold = (options.uniqueFold ?? defaultUniqueFold(schema))(tagColumn?.collation ?? null);
    const tags = buildTags(this, fold);
    this.tagNames = tags.tagNames;
    this.videoTags = tags.videoTags;
    this.videoTagString = tags.videoTagString;
    this.recorderTags = tags.recorderTags;
    this.recorderTagString = tags.recorderTagString;
    this.orphanItems = tags.orphanItems;
    this.special = tags.special;
  }

  rng(...keys: Array<string | number>): Rng {
    return rngFor(this.seed, ...keys);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Ids

  /** Video ids have gaps (deleted videos): every 26th id is missing. */
  videoId(index: number): number {
    return index + Math.floor((index - 1) / 25);
  }

  get maxVideoId(): number {
    return this.videoId(this.N);
  }

  /** Sequential id k (1-based) of a table holding `total` rows, the last two above 2^31 in BIG_ID_TABLES. */
  rowId(table: string, k: number, total: number): number {
    if (!this.bigPk.has(table) || total < 4) return k;
    if (k === total) return BIG_ID_BASES[1] + k;
    if (k === total - 1) return BIG_ID_BASES[0] + k;
    return k;
  }

  commentId(k: number): number {
    return this.rowId('video_comment', k, this.commentStart[this.N]);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Users

  private makeUsername(u: number): string {
    if (u === 1) return 'admin';
    const r = this.rng('user', u);
    const first = r.pick(FIRST_NAMES);
    const last = r.pick(LAST_NAMES);
    const style = u % 7;
    // Embeds u: distinct under any fold (case/accent-insensitive MariaDB index included).
    if (style === 0) return `${first}.${last}${u}`.replace(/\s+/g, '');
    if (style === 3) return `${slugify(first)}.${slugify(last) || 'x'}${u}@univ-exemple.fr`;
    return `${(slugify(first).charAt(0) || 'u') + (slugify(last) || 'user').replace(/-/g, '')}${u}`;
  }

  username(u: number): string {
    return this.usernames[u - 1];
  }

  firstName(u: number): string {
    return u === 1 ? '' : this.rng('user', u).pick(FIRST_NAMES);
  }

  lastName(u: number): string {
    if (u === 1) return '';
    const r = this.rng('user', u);
    r.pick(FIRST_NAMES);
    return r.pick(LAST_NAMES);
  }

  hashkey(u: number): string {
    return this.hashkeys[u - 1];
  }

  /** A user other than `not` (when there is one). */
  otherUser(r: Rng, not: number): number {
    if (this.users < 2) return 1;
    const u = r.int(1, this.users - 1);
    return u >= not ? u + 1 : u;
  }

  /** `count` distinct users, none equal to `not`. */
  distinctUsers(r: Rng, count: number, not = 0): number[] {
    return r.distinctInts(Math.min(count, this.users - 1), 1, this.users - 1).map((u) => (not > 0 && u >= not ? u + 1 : u));
  }

  // -------------------------------------------------------------------------------------------------------------
  // Subsets of videos

  /** `count` video indices spread over 1..N, keyed by name (always chosen, whatever the probability draws). */
  forced(name: string, count: number): Set<number> {
    const out = new Set<number>();
    const n = Math.min(count, this.N);
    const offset = this.rng('forced', name).int(0, this.N - 1);
    const step = Math.max(1, Math.floor(this.N / n));
    for (let k = 0; out.size < n; k += 1) out.add(1 + ((offset + k * step + Math.floor(k / this.N)) % this.N));
    return out;
  }

  /** Video indices (increasing) chosen with probability p, at least `min` of them. */
  subset(name: string, p: number, min: number): number[] {
    const forced = this.forced(name, min);
    const out: number[] = [];
    for (let i = 1; i <= this.N; i += 1) if (forced.has(i) || this.rng('subset', name, i).bool(p)) out.push(i);
    return out;
  }

  hasFlag(index: number, flag: number): boolean {
    return (this.videoFlags[index - 1] & flag) !== 0;
  }

  /** The hashkey in the paths of a video's encoding files: the owner's, or the previous owner's when stale. */
  encodingHashkey(index: number): string {
    const old = this.videoOldOwner.get(index);
    return this.hashkey(old ?? this.videoOwner[index - 1]);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Schema lookups

  table(name: string): TableInfo | undefined {
    return this.schema.tables.get(name);
  }

  /** The table a foreign-key column points to in the live schema (USE_PODFILE moves image/file FKs). */
  fkTarget(table: string, column: string): string | undefined {
    return this.fkTargets.get(`${table}.${column}`);
  }

  private poolSize(target: string | undefined): number {
    switch (target) {
      case 'main_customimagemodel':
        return this.mainImages;
      case 'main_customfilemodel':
        return this.mainFiles;
      case 'podfile_customimagemodel':
        return this.podfileImages;
      case 'podfile_customfilemodel':
        return this.podfileFiles;
      default:
        return 0;
    }
  }

  /** An image / document id for a nullable FK column, from whichever table the live schema points it to. */
  fileRef(r: Rng, table: string, column: string, nullProbability = 0.4): number | null {
    const size = this.poolSize(this.fkTarget(table, column));
    if (size === 0 || r.bool(nullProbability)) return null;
    return r.int(1, size);
  }

  contentType(appLabel: string, model: string): number | undefined {
    return this.ref.contentTypes.find((c) => c.app_label === appLabel && c.model === model)?.id;
  }

  maxLength(table: string, column: string, fallback: number): number {
    return this.schema.tables.get(table)?.columns.find((c) => c.name === column)?.maxLength ?? fallback;
  }
}
