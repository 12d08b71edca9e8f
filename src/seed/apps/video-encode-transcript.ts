/**
 * Seed rules for Pod's video_encode_transcript app (renditions, encoded files, playlists, logs and steps).
 */
import { bigText, edgeText, pad } from '../values';
import { World } from '../world';
import { dt, cut, m2m, withSites, type RowValues, type TableRule } from '../rules';

const RENDITIONS: Array<{
  resolution: string;
  name: string;
  minrate: string;
  bitrate: string;
  maxrate: string;
  threshold: number;
  audio: string;
  mp4: boolean;
}> = [
  { resolution: '640x360', name: '360p', minrate: '500k', bitrate: '750k', maxrate: '1000k', threshold: 0, audio: '96k', mp4: true },
  { resolution: '1280x720', name: '720p', minrate: '1000k', bitrate: '2000k', maxrate: '3000k', threshold: 0, audio: '128k', mp4: true },
  { resolution: '1920x1080', name: '1080p', minrate: '2000k', bitrate: '3000k', maxrate: '4500k', threshold: 0, audio: '192k', mp4: false },
  { resolution: '854x480', name: '480p', minrate: '750k', bitrate: '1000k', maxrate: '1500k', threshold: 480, audio: '128k', mp4: false },
  {
    resolution: '3840x2160',
    name: '2160p',
    minrate: '8000k',
    bitrate: '12000k',
    maxrate: '16000k',
    threshold: 2160,
    audio: '256k',
    mp4: false,
  },
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
      yield {
        id: ++k,
        name: RENDITIONS[rk - 1].name,
        encoding_format: 'application/x-mpegURL',
        source_file: `${dir}/livestream${height}p.m3u8`,
        video_id: id,
      };
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
      : w.busy
        ? bigText(r, r.int(4_000, 12_000))
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

/** The tables of this app, with their rules. */
export const videoEncodeTranscriptRules: Record<string, TableRule> = {
  video_encode_transcript_videorendition: videoRendition,
  video_encode_transcript_videorendition_sites: (w) => m2m('videorendition_id', 'site_id', withSites(w, w.renditions)),
  video_encode_transcript_encodingvideo: encodingVideo,
  video_encode_transcript_encodingaudio: encodingAudio,
  video_encode_transcript_playlistvideo: playlistVideo,
  video_encode_transcript_encodinglog: encodingLog,
  video_encode_transcript_encodingstep: encodingStep,
};
