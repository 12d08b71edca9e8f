import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DumpParser, readDump, scanDump, type DumpEvent } from '../../src/dump';
import { PodMigrateError } from '../../src/errors';
import { thrownBy } from '../helpers/thrown';
import { runPython } from './python';

const FIXTURE = join(__dirname, '../fixtures/pod-exporter-mariadb/v3_exported_tables.json.gz');

/** Row counts per table as Python's json.load gives them (checked with python3 when the fixture was added). */
const FIXTURE_COUNTS: Record<string, number> = {
  ai_enhancement_aienhancement: 3,
  authentication_accessgroup: 4,
  authentication_accessgroup_sites: 3,
  authentication_accessgroup_users: 3,
  authentication_groupsite: 3,
  authentication_groupsite_sites: 3,
  authentication_owner: 10,
  authentication_owner_accessgroups: 5,
  authentication_owner_sites: 10,
  authtoken_token: 3,
  auth_group: 4,
  auth_group_permissions: 6,
  auth_permission: 373,
  auth_user: 10,
  auth_user_groups: 10,
  auth_user_user_permissions: 4,
  captcha_captchastore: 3,
  chapter_chapter: 10,
  completion_contributor: 5,
  completion_document: 3,
  completion_enrichmodelqueue: 3,
  completion_overlay: 3,
  completion_track: 5,
  cut_cutvideo: 3,
  django_admin_log: 20,
  django_content_type: 93,
  django_flatpage: 4,
  django_flatpage_sites: 4,
  django_site: 4,
  dressing_dressing: 3,
  dressing_dressing_allow_to_groups: 3,
  dressing_dressing_owners: 3,
  dressing_dressing_users: 3,
  dressing_dressing_videos: 3,
  enrichment_enrichment: 5,
  enrichment_enrichmentgroup: 3,
  enrichment_enrichmentgroup_groups: 3,
  enrichment_enrichmentvtt: 3,
  import_video_externalrecording: 3,
  live_broadcaster: 4,
  live_broadcaster_manage_groups: 3,
  live_building: 3,
  live_building_sites: 3,
  live_event: 3,
  live_event_additional_owners: 3,
  live_event_restrict_access_to_groups: 3,
  live_event_videos: 3,
  live_event_viewers: 3,
  live_heartbeat: 3,
  live_livetranscriptrunningtask: 3,
  main_additionalchanneltab: 3,
  main_block: 4,
  main_block_sites: 4,
  main_configuration: 6,
  main_customfilemodel: 3,
  main_customimagemodel: 3,
  main_linkfooter: 3,
  main_linkfooter_sites: 3,
  meeting: 3,
  meeting_additional_owners: 3,
  meeting_internalrecording: 3,
  meeting_livegateway: 3,
  meeting_livestream: 3,
  meeting_meetingsessionlog: 3,
  meeting_restrict_access_to_groups: 3,
  playlist_playlist: 3,
  playlist_playlistcontent: 20,
  playlist_playlist_additional_owners: 3,
  podfile_customfilemodel: 3,
  podfile_customimagemodel: 3,
  podfile_userfolder: 10,
  podfile_userfolder_access_groups: 3,
  podfile_userfolder_users: 3,
  quiz_multiplechoicequestion: 3,
  quiz_quiz: 3,
  quiz_shortanswerquestion: 3,
  quiz_singlechoicequestion: 3,
  quiz_truefalsequestion: 3,
  recorder_recorder: 4,
  recorder_recorder_additional_users: 3,
  recorder_recorder_channel: 3,
  recorder_recorder_discipline: 3,
  recorder_recorder_restrict_access_to_groups: 3,
  recorder_recorder_sites: 3,
  recorder_recorder_theme: 3,
  recorder_recording: 3,
  recorder_recordingfile: 3,
  recorder_recordingfiletreatment: 3,
  speaker_job: 3,
  speaker_jobvideo: 3,
  speaker_speaker: 3,
  thumbnail_kvstore: 10,
  video_advancednotes: 10,
  video_category: 3,
  video_category_video: 3,
  video_channel: 4,
  video_channel_add_channels_tab: 3,
  video_channel_allow_to_groups: 3,
  video_channel_owners: 3,
  video_channel_users: 3,
  video_comment: 20,
  video_discipline: 4,
  video_encode_transcript_encodingaudio: 10,
  video_encode_transcript_encodinglog: 10,
  video_encode_transcript_encodingstep: 10,
  video_encode_transcript_encodingvideo: 30,
  video_encode_transcript_playlistvideo: 10,
  video_encode_transcript_videorendition: 5,
  video_encode_transcript_videorendition_sites: 5,
  video_notecomments: 5,
  video_notes: 5,
  video_theme: 6,
  video_type: 3,
  video_type_sites: 3,
  video_updateowner: 3,
  video_usermarkertime: 10,
  video_video: 10,
  video_videoaccesstoken: 3,
  video_videotodelete: 3,
  video_videotodelete_video: 3,
  video_videoversion: 3,
  video_video_additional_owners: 3,
  video_video_channel: 5,
  video_video_discipline: 3,
  video_video_restrict_access_to_groups: 3,
  video_video_sites: 10,
  video_video_theme: 3,
  video_viewcount: 100,
  video_vote: 10,
  webpush_group: 3,
  webpush_pushinformation: 3,
  webpush_subscriptioninfo: 3,
  video_tagging_tag_2_tagulous: 9,
  recorder_tagging_tag_2_tagulous: 2,
};

async function collect(path: string, options = {}): Promise<DumpEvent[]> {
  const events: DumpEvent[] = [];
  for await (const event of readDump(path, options)) events.push(event);
  return events;
}

/** Parses a whole document through DumpParser, chunked at the given size. */
function parseChunked(text: string | Buffer, chunk: number): DumpEvent[] {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const parser = new DumpParser();
  const events: DumpEvent[] = [];
  for (let i = 0; i < bytes.length; i += chunk) events.push(...parser.push(bytes.subarray(i, i + chunk)));
  events.push(...parser.end());
  return events;
}

function parseError(text: string | Buffer): PodMigrateError {
  const parse = () => parseChunked(text, 7);
  expect(parse).toThrow(PodMigrateError);
  const error = thrownBy(parse) as PodMigrateError;
  expect(error.code).toBe('DUMP_INVALID');
  return error;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pod-migrate-reader-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Pod's own dump (fixture, gzip)", () => {
  let events: DumpEvent[];
  let whole: Record<string, Array<Record<string, unknown>>>;
  beforeAll(async () => {
    events = await collect(FIXTURE, { chunkSize: 4096 });
    whole = JSON.parse(gunzipSync(readFileSync(FIXTURE)).toString('utf8'));
  });

  it('has the 134 tables, in file order, with the row counts json.load gives', () => {
    const tables = events.filter((e) => e.type === 'table').map((e) => (e as { name: string }).name);
    expect(tables).toHaveLength(134);
    expect(tables).toEqual(Object.keys(FIXTURE_COUNTS));
    const ends = Object.fromEntries(
      events.filter((e) => e.type === 'tableEnd').map((e) => [(e as { table: string }).table, (e as { rows: number }).rows]),
    );
    expect(ends).toEqual(FIXTURE_COUNTS);
    expect(events.filter((e) => e.type === 'row')).toHaveLength(Object.values(FIXTURE_COUNTS).reduce((a, b) => a + b, 0));
  });

  it('gives every row exactly as JSON.parse does, except integers beyond 2^53, which stay exact', () => {
    let bigints = 0;
    for (const event of events) {
      if (event.type !== 'row') continue;
      const expected = whole[event.table][event.index - 1];
      const row = { ...event.row };
      for (const [k, v] of Object.entries(row)) {
        if (typeof v === 'bigint') {
          bigints++;
          expect(Number(v)).toBe(expected[k]);
          row[k] = expected[k];
        }
      }
      expect(row).toEqual(expected);
      expect(Object.keys(event.row)).toEqual(Object.keys(expected)); // column order kept
    }
    expect(bigints).toBe(1);
  });

  it('spot values: booleans 0/1, JSON as text, 32-hex uuids, microsecond durations, -2^63', () => {
    const row = (table: string, index: number) =>
      (events.find((e) => e.type === 'row' && e.table === table && e.index === index) as { row: Record<string, unknown> }).row;
    expect(row('ai_enhancement_aienhancement', 1)).toEqual({
      id: 1,
      created_at: '2000-01-01 00:00:00',
      updated_at: '2023-06-15 08:00:00',
      is_ready: 0,
      ai_enhancement_id_in_aristote: '{"looks": "like json", "n": [1, 2]}',
      video_id: 5,
    });
    expect(row('ai_enhancement_aienhancement', 3).id).toBe(2147483657);
    expect(row('ai_enhancement_aienhancement', 3).ai_enhancement_id_in_aristote).toMatch(
      /^Long texte > 64 KiB : é😀日本 « quotes » \\ % _ \n/,
    );
    expect(row('quiz_singlechoicequestion', 1).choices).toBe('{"Réponse A": true, "Réponse B 😀": false, "日本語": false}');
    expect(row('quiz_singlechoicequestion', 2).id).toBe('cf31030318594e14b06ba6468106b398');
    expect(row('meeting', 2).expected_duration).toBe(5400000000);
    expect(row('meeting', 2).name).toBe('NULL');
    expect(row('meeting', 2).recurrence).toBeNull();
    expect(row('cut_cutvideo', 1).start).toBe('12:34:56');
    expect(row('recorder_recordingfiletreatment', 1).file_size).toBe(-9223372036854775808n);
    expect(row('video_videoaccesstoken', 1).name).toBe('Multi\nline\r\nwith\ttabs\n');
    expect(row('video_tagging_tag_2_tagulous', 2)).toEqual({ video_id: 2, tag_name: 'python,a,b,100%,c++' });
  });

  it('events come in order: table, rows 1..n, tableEnd', () => {
    let open: string | null = null;
    let next = 1;
    for (const e of events) {
      if (e.type === 'table') {
        expect(open).toBeNull();
        open = e.name;
        next = 1;
      } else if (e.type === 'row') {
        expect(e.table).toBe(open);
        expect(e.index).toBe(next++);
      } else {
        expect(e.table).toBe(open);
        expect(e.rows).toBe(next - 1);
        open = null;
      }
    }
    expect(open).toBeNull();
  });

  it('scanDump counts rows and columns without keeping rows', async () => {
    const scan = await scanDump(FIXTURE);
    expect(scan.compressed).toBe(true);
    expect(scan.bytes).toBe(gunzipSync(readFileSync(FIXTURE)).length);
    expect([...scan.tables.keys()]).toEqual(Object.keys(FIXTURE_COUNTS));
    for (const [name, t] of scan.tables) {
      expect(t.rows).toBe(FIXTURE_COUNTS[name]);
      expect([...t.columns]).toEqual(t.rows > 0 ? Object.keys(whole[name][0]) : []);
    }
  });

  it('matches python3 json.load', () => {
    const counts = JSON.parse(
      runPython('import json,gzip,sys; d=json.load(gzip.open(sys.argv[1])); print(json.dumps({k: len(v) for k, v in d.items()}))', [
        FIXTURE,
      ]),
    );
    expect(counts).toEqual(FIXTURE_COUNTS);
  });
});

describe('DumpParser', () => {
  const doc =
    '{\n    "a": [\n        {\n            "id": 1,\n            "s": "x\\"}]{[\\\\",\n            "u": "\\u00e9\\ud83d\\ude00",\n' +
    '            "n": null, "t": true, "f": false, "e": -1.5e3, "big": 12345678901234567890, "nested": {"k": [1, {"z": "]"}]}\n        },\n' +
    '        {"id": 2, "é😀": "日本", "bs": "\\\\"}\n    ],\n    "empty": [],\n    "b": [{}]\n}\n';

  const expected: DumpEvent[] = [
    { type: 'table', name: 'a', offset: 6 },
    {
      type: 'row',
      table: 'a',
      index: 1,
      offset: 21,
      row: {
        id: 1,
        s: 'x"}]{[\\',
        u: 'é😀',
        n: null,
        t: true,
        f: false,
        e: -1500,
        big: 12345678901234567890n,
        nested: { k: [1, { z: ']' }] },
      },
    },
    { type: 'row', table: 'a', index: 2, offset: expect.any(Number), row: { id: 2, 'é😀': '日本', bs: '\\' } },
    { type: 'tableEnd', table: 'a', rows: 2 },
    { type: 'table', name: 'empty', offset: expect.any(Number) },
    { type: 'tableEnd', table: 'empty', rows: 0 },
    { type: 'table', name: 'b', offset: expect.any(Number) },
    { type: 'row', table: 'b', index: 1, offset: expect.any(Number), row: {} },
    { type: 'tableEnd', table: 'b', rows: 1 },
  ] as DumpEvent[];

  it('gives the same events whatever the chunk boundaries (every size from 1 byte)', () => {
    expect(JSON.parse(doc.replace('12345678901234567890', '0'))).toBeTruthy(); // the document is valid JSON
    const bytes = Buffer.from(doc, 'utf8');
    for (let size = 1; size <= bytes.length; size++) expect(parseChunked(bytes, size)).toEqual(expected);
  });

  it('gives the same events when cut in two at every byte', () => {
    const bytes = Buffer.from(doc, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const parser = new DumpParser();
      const events = [...parser.push(bytes.subarray(0, cut)), ...parser.push(bytes.subarray(cut)), ...parser.end()];
      expect(events).toEqual(expected);
    }
  });

  it('handles backslash runs split across chunks', () => {
    const text = '{"t":[{"a":"\\\\\\\\","b":"\\\\\\"","c":"\\\\"}]}';
    const want = { a: '\\\\', b: '\\"', c: '\\' };
    for (let size = 1; size < 12; size++) expect((parseChunked(text, size)[1] as { row: unknown }).row).toEqual(want);
  });

  it('accepts an empty object and compact or pretty layouts', () => {
    expect(parseChunked('{}', 1)).toEqual([]);
    expect(parseChunked(' \n\t{ } \r\n', 3)).toEqual([]);
    expect(parseChunked('{"t":[]}', 1)).toEqual([
      { type: 'table', name: 't', offset: 1 },
      { type: 'tableEnd', table: 't', rows: 0 },
    ]);
  });

  it('keeps integers up to 2^53-1 as numbers, beyond as exact bigints, floats as numbers', () => {
    const events = parseChunked(
      '{"t":[{"a":9007199254740991,"b":9007199254740993,"c":-9223372036854775808,"d":1.5,"e":1e300,"f":[18446744073709551615],"g":"9007199254740993"}]}',
      5,
    );
    expect((events[1] as { row: unknown }).row).toEqual({
      a: 9007199254740991,
      b: 9007199254740993n,
      c: -9223372036854775808n,
      d: 1.5,
      e: 1e300,
      f: [18446744073709551615n],
      g: '9007199254740993',
    });
  });

  it('keeps a "__proto__" column as an own property', () => {
    const row = (parseChunked('{"t":[{"__proto__":1,"x":99999999999999999999}]}', 4)[1] as { row: Record<string, unknown> }).row;
    expect(Object.keys(row)).toEqual(['__proto__', 'x']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row.x).toBe(99999999999999999999n);
  });

  describe('refuses what is not an object of arrays of objects', () => {
    it.each([
      ['a top-level array', '[{"a": 1}]', /JSON array, not an object/],
      ['a top-level string', '"x"', /expected '\{'/],
      ['an empty file', '', /empty/],
      ['whitespace only', '  \n', /empty/],
      ['a table that is not an array', '{"t": {"a": 1}}', /value of table "t" is not an array/],
      ['a table that is null', '{"t": null}', /value of table "t" is not an array/],
      ['a row that is not an object', '{"t": [{"a": 1}, [1, 2]]}', /row 2 is not an object/],
      ['a row that is a number', '{"t": [1]}', /row 1 is not an object/],
      ['a truncated file (in a row)', '{"t": [{"a": "xyz', /ends inside row 1 of table "t"/],
      ['a truncated file (after a row)', '{"t": [{"a": 1}', /ends before the dump object is closed/],
      ['a truncated file (before the last brace)', '{"t": []', /ends before/],
      ['a missing colon', '{"t" []}', /expected ':'/],
      ['a trailing comma in an array', '{"t": [{"a": 1},]}', /row 2 is not an object/],
      ['a trailing comma in the object', '{"t": [],}', /expected a table name/],
      ['an invalid row', '{"t": [{"a": 1,}]}', /invalid JSON in the row/],
      ['an unquoted value', '{"t": [{"a": NaN}]}', /invalid JSON in the row/],
      ['data after the object', '{"t": []} {"u": []}', /after the end of the dump object/],
      ['a second table of the same name', '{"t": [], "u": [], "t": [{"a": 1}]}', /table "t" appears twice/],
      ['a byte order mark', '\ufeff{"t": []}', /byte order mark/],
    ])('%s', (_what, text, message) => {
      expect(parseError(text).message).toMatch(message);
    });

    it('names the table, row and byte offset', () => {
      const error = parseError('{"t": [{"a": 1}, {"a": 2}, 3]}');
      expect(error.place).toEqual({ table: 't', row: 3 });
      expect(error.message).toMatch(/byte offset 27/);
      const bad = parseError('{"t": [{"a": 1}, {"a": 2, "b": tru}]}');
      expect(bad.place).toEqual({ table: 't', row: 2 });
      expect(bad.describe()).toMatch(/^table t, row 2: /);
      expect(bad.message).toMatch(/byte offset 34\)$/); // the '}' after "tru"
      expect(bad.message).toMatch(/Unexpected "\}" in state TRUE3/);
    });

    it('names the first fault when rows parsed together hold a bad one and the file goes wrong after it', () => {
      // The rows of a chunk are parsed by one JSON.parse: a bad row among them is still named, before a later fault.
      const error = parseError('{"t": [{"a": 1}, {"a": 2}, {"a": tru}, {"a": 4}], "t": []}');
      expect(error.place).toEqual({ table: 't', row: 3 });
      expect(error.message).toMatch(/invalid JSON in the row/);
    });

    it('refuses invalid UTF-8', () => {
      const bytes = Buffer.concat([Buffer.from('{"t": [{"a": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}]}')]);
      expect(parseError(bytes).message).toMatch(/not valid UTF-8/);
    });
  });
});

describe('readDump / scanDump on files', () => {
  it('reads plain and gzip files alike (gzip found by its magic bytes)', async () => {
    const text = '{"a": [{"x": 1}, {"x": 2}], "b": []}';
    writeFileSync(join(dir, 'plain.json'), text);
    writeFileSync(join(dir, 'zipped.json.gz'), gzipSync(text));
    writeFileSync(join(dir, 'zipped-misnamed.json'), gzipSync(text));
    const plain = await collect(join(dir, 'plain.json'));
    expect(plain.map((e) => e.type)).toEqual(['table', 'row', 'row', 'tableEnd', 'table', 'tableEnd']);
    expect(await collect(join(dir, 'zipped.json.gz'))).toEqual(plain);
    expect(await collect(join(dir, 'zipped-misnamed.json'))).toEqual(plain);
    const scan = await scanDump(join(dir, 'plain.json'));
    expect(scan.tables).toEqual(
      new Map([
        ['a', { rows: 2, columns: new Set(['x']) }],
        ['b', { rows: 0, columns: new Set() }],
      ]),
    );
    expect(scan.bytes).toBe(text.length);
    expect(scan.compressed).toBe(false);
  });

  it('unions the columns over rows', async () => {
    writeFileSync(join(dir, 'cols.json'), '{"t": [{"a": 1}, {"b": 2, "a": 3}, {"c": null}]}');
    expect((await scanDump(join(dir, 'cols.json'))).tables.get('t')).toEqual({ rows: 3, columns: new Set(['a', 'b', 'c']) });
  });

  it('reports a missing file as a usage error (an export writes it first), a truncated gzip and a truncated document as DUMP_INVALID', async () => {
    const missing = { code: 'USAGE', message: expect.stringMatching(/^there is no dump file .*nope\.json: an export writes it first/) };
    await expect(collect(join(dir, 'nope.json'))).rejects.toMatchObject(missing);
    await expect(scanDump(join(dir, 'nope.json'))).rejects.toMatchObject(missing);
    const zipped = gzipSync(Buffer.from(`{"a": [${'{"x": 1},'.repeat(10000)}{"x": 2}]}`));
    writeFileSync(join(dir, 'cut.json.gz'), zipped.subarray(0, zipped.length - 40));
    await expect(collect(join(dir, 'cut.json.gz'))).rejects.toMatchObject({ code: 'DUMP_INVALID' });
    writeFileSync(join(dir, 'cut.json'), '{"a": [{"x": 1}, {"x"');
    await expect(collect(join(dir, 'cut.json'))).rejects.toMatchObject({ code: 'DUMP_INVALID', place: { table: 'a', row: 2 } });
    await expect(scanDump(join(dir, 'cut.json'))).rejects.toMatchObject({ code: 'DUMP_INVALID' });
  });

  it('stops reading when the consumer stops early', async () => {
    const seen: DumpEvent[] = [];
    for await (const event of readDump(FIXTURE)) {
      seen.push(event);
      if (seen.length === 3) break;
    }
    expect(seen.map((e) => e.type)).toEqual(['table', 'row', 'row']);
  });

  it('reports progress', async () => {
    const progress: number[] = [];
    await collect(FIXTURE, {
      chunkSize: 16384,
      onProgress: (p: { bytes: number; fileBytesRead: number; fileBytes: number }) => progress.push(p.bytes),
    });
    expect(progress.length).toBeGreaterThan(10);
    expect(progress[progress.length - 1]).toBe(gunzipSync(readFileSync(FIXTURE)).length);
  });
});
