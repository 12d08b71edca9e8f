import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDumpWriter, readDump, scanDump, type DumpEvent } from '../../src/dump';
import { PodMigrateError } from '../../src/errors';
import { runPython } from './python';

const FIXTURE = join(__dirname, '../fixtures/pod-exporter-mariadb/v3_exported_tables.json.gz');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pod-migrate-writer-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(path: string): Promise<DumpEvent[]> {
  const events: DumpEvent[] = [];
  for await (const event of readDump(path)) events.push(event);
  return events;
}

const tricky: Array<Record<string, unknown>> = [
  {
    id: 1,
    emoji: 'é😀日本 👩‍🎓 🎉',
    nul: 'a\u0000b',
    backslash: 'C:\\Users\\pod\\ \\n \\\\',
    quotes: 'it\'s "quoted" `x` «y»',
    newlines: 'Multi\nline\r\nwith\ttabs\n\f\b',
    controls: '\u0001\u001f\u007f\u0080',
    separators: 'line\u2028para\u2029',
    lone: 'x\ud800y\udfffz',
    json_text: '{"nested": {"deep": ["\\"quoted\\"", "back\\\\slash", "tab\\there"]}, "n": [1, 2.5, null, true]}',
    text_null: 'NULL',
    empty: '',
    max_safe: 9007199254740991,
    min_safe: -9007199254740991,
    two53: 2 ** 53,
    big: 9223372036854775807n,
    small: -9223372036854775808n,
    float: Math.PI,
    tiny: 5e-324,
    negzero: 0,
    t: true,
    f: false,
    nothing: null,
    tag_names: ['a,b', 'c++', 'élève'],
    object: { k: [1, { z: ']' }], '': 'empty key' },
    '日本語 key': 'v',
    ['__proto__']: 'proto column',
  },
  { id: 2 },
  {},
];

/** Writes the tricky rows (and an empty and an ordered table) to a dump of their own. */
async function writeTrickyDump(path: string) {
  const writer = await openDumpWriter(path);
  writer.beginTable('tricky');
  for (const row of tricky) await writer.writeRow(row);
  const trickyRows = writer.endTable();
  writer.beginTable('empty');
  writer.endTable();
  writer.beginTable('ordered');
  await writer.writeRow({ b: 2, a: 1, c: 3 }, ['c', 'a', 'b']);
  writer.endTable();
  const tables = [...writer.tables];
  await writer.commit();
  return { trickyRows, tables, columns: writer.columns, bytesWritten: writer.bytesWritten };
}

describe('openDumpWriter', () => {
  it("counts each table's rows and keys as a scan of the file finds them (the import then skips the scan)", async () => {
    const path = join(dir, 'described.json');
    const { tables, columns } = await writeTrickyDump(path);
    const scan = await scanDump(path);
    expect(tables).toEqual([...scan.tables].map(([name, t]) => [name, t.rows]));
    expect([...columns].map(([name, keys]) => [name, [...keys]])).toEqual([...scan.tables].map(([name, t]) => [name, [...t.columns]]));
    expect([...columns.get('empty')!]).toEqual([]);
    expect(columns.get('tricky')!.has('__proto__')).toBe(true);
  });

  it('writes nothing at the path until commit, in a 0600 temporary file, then renames it', async () => {
    const path = join(dir, 'new/sub/dump.json');
    const writer = await openDumpWriter(path);
    expect(writer.tempPath).toBe(`${path}.partial-${process.pid}`);
    expect(statSync(writer.tempPath).mode & 0o777).toBe(0o600);
    writer.beginTable('t');
    await writer.writeRow({ id: 1, password: 'pbkdf2_sha256$…' });
    writer.endTable();
    expect(existsSync(path)).toBe(false);
    await writer.commit();
    expect(existsSync(path)).toBe(true);
    expect(existsSync(writer.tempPath)).toBe(false);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toBe('{\n"t": [\n{"id":1,"password":"pbkdf2_sha256$…"}\n]\n}\n');
    await writer.abort(); // after commit: nothing to do, the dump stays
    expect(existsSync(path)).toBe(true);
  });

  it('abort leaves nothing behind', async () => {
    const sub = join(dir, 'aborted');
    const path = join(sub, 'dump.json');
    const writer = await openDumpWriter(path);
    writer.beginTable('t');
    for (let i = 0; i < 50000; i++) await writer.writeRow({ id: i, text: 'x'.repeat(100) });
    await writer.abort();
    await writer.abort();
    expect(readdirSync(sub)).toEqual([]);
    await expect(writer.writeRow({ id: 1 })).rejects.toMatchObject({ code: 'DUMP_INVALID' });
    await expect(writer.commit()).rejects.toMatchObject({ code: 'DUMP_INVALID' });
  });

  it('replaces an existing dump only on commit', async () => {
    const path = join(dir, 'replace.json');
    const first = await openDumpWriter(path);
    await first.commit();
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
    const second = await openDumpWriter(path);
    second.beginTable('t');
    second.endTable();
    expect(readFileSync(path, 'utf8')).toBe('{}\n');
    await second.commit();
    expect(readFileSync(path, 'utf8')).toBe('{\n"t": []\n}\n');
  });

  it('round-trips every kind of value, keys in the order given', async () => {
    const path = join(dir, 'tricky.json');
    const written = await writeTrickyDump(path);
    expect(written.trickyRows).toBe(3);
    expect(written.tables).toEqual([
      ['tricky', 3],
      ['empty', 0],
      ['ordered', 1],
    ]);
    expect(written.bytesWritten).toBe(statSync(path).size);

    const events = await collect(path);
    expect(events.map((e) => e.type)).toEqual(['table', 'row', 'row', 'row', 'tableEnd', 'table', 'tableEnd', 'table', 'row', 'tableEnd']);
    const rows = events.filter((e): e is Extract<DumpEvent, { type: 'row' }> => e.type === 'row');
    expect(rows[0].row).toEqual({ ...tricky[0], two53: 9007199254740992n });
    expect(Object.keys(rows[0].row)).toEqual(Object.keys(tricky[0]));
    expect(rows[0].row.two53).toBe(9007199254740992n); // beyond MAX_SAFE_INTEGER: read back exact, as a bigint
    expect(rows[1].row).toEqual({ id: 2 });
    expect(rows[2].row).toEqual({});
    expect(Object.keys(rows[3].row)).toEqual(['c', 'a', 'b']);
    // Plain JSON: JSON.parse reads it too (bigints aside).
    expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')))).toEqual(['tricky', 'empty', 'ordered']);
  });

  it("is read by Python's json.load as the same data", async () => {
    const path = join(dir, 'tricky-for-python.json');
    await writeTrickyDump(path);
    const out = runPython(
      'import json,sys; d=json.load(open(sys.argv[1], encoding="utf-8")); r=d["tricky"][0]; print(json.dumps([r["big"], r["small"], r["two53"], r["emoji"], r["nul"], r["lone"], r["json_text"], r["tag_names"], len(d["empty"])]))',
      [path],
    );
    const [big, small, two53, emoji, nul, lone, jsonText, tagNames, empty] = JSON.parse(out.replace(/(-?\d{16,})/g, '"$1"'));
    expect([big, small, two53]).toEqual(['9223372036854775807', '-9223372036854775808', '9007199254740992']);
    expect([emoji, nul, lone, jsonText, tagNames, empty]).toEqual([
      tricky[0].emoji,
      tricky[0].nul,
      tricky[0].lone,
      tricky[0].json_text,
      tricky[0].tag_names,
      0,
    ]);
  });

  it("round-trips Pod's own dump event for event", async () => {
    const original = await collect(FIXTURE);
    const path = join(dir, 'pod.json');
    const writer = await openDumpWriter(path);
    for (const event of original) {
      if (event.type === 'table') writer.beginTable(event.name);
      else if (event.type === 'row') await writer.writeRow(event.row);
      else writer.endTable();
    }
    await writer.commit();
    const again = await collect(path);
    const strip = (events: DumpEvent[]) => events.map((e) => ('offset' in e ? { ...e, offset: 0 } : e));
    expect(strip(again)).toEqual(strip(original));
  });

  it('refuses values that are not JSON, naming table, row and column', async () => {
    const writer = await openDumpWriter(join(dir, 'refused.json'));
    writer.beginTable('t');
    await writer.writeRow({ a: 1 });
    for (const bad of [undefined, NaN, Infinity, Buffer.from('x'), new Date(0), () => 1, Symbol('s'), { nested: new Map() }]) {
      const error = await Promise.resolve(writer.writeRow({ a: 1, b: bad })).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PodMigrateError);
      expect((error as PodMigrateError).code).toBe('VALUE_INVALID');
      expect((error as PodMigrateError).place).toEqual({ table: 't', row: 2, column: 'b' });
    }
    // a column listed but absent from the row is refused too
    await expect(writer.writeRow({ a: 1 }, ['a', 'b'])).rejects.toMatchObject({ code: 'VALUE_INVALID', place: { column: 'b' } });
    await writer.abort();
  });

  it('refuses misuse: rows outside a table, a table twice, nested tables', async () => {
    const writer = await openDumpWriter(join(dir, 'misuse.json'));
    await expect(writer.writeRow({ a: 1 })).rejects.toMatchObject({ code: 'DUMP_INVALID' });
    expect(() => writer.endTable()).toThrow(PodMigrateError);
    writer.beginTable('t');
    expect(() => writer.beginTable('u')).toThrow(/still open/);
    writer.endTable();
    expect(() => writer.beginTable('t')).toThrow(/twice/);
    await writer.abort();
  });

  it('commit closes a table left open', async () => {
    const path = join(dir, 'open.json');
    const writer = await openDumpWriter(path);
    writer.beginTable('t');
    await writer.writeRow({ a: 1 });
    await writer.commit();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ t: [{ a: 1 }] });
  });

  it('writes every row of a dump many buffers long exactly once (buffers are reused once written)', async () => {
    const path = join(dir, 'long.json');
    const writer = await openDumpWriter(path);
    writer.beginTable('t');
    // About 7 MB: 7 flushes, most into a buffer that held an earlier flush's rows.
    for (let i = 0; i < 100_000; i++) await writer.writeRow({ i, pad: String(i).repeat(10) });
    writer.endTable();
    await writer.commit();
    const rows = JSON.parse(readFileSync(path, 'utf8')).t as Array<{ i: number; pad: string }>;
    expect(rows).toHaveLength(100_000);
    expect(rows.every((row, k) => row.i === k && row.pad === String(k).repeat(10))).toBe(true);
  });

  it('keeps row order when writeRow is not awaited', async () => {
    const path = join(dir, 'unawaited.json');
    const writer = await openDumpWriter(path);
    writer.beginTable('t');
    const pending: Array<Promise<void> | undefined> = [];
    for (let i = 0; i < 30000; i++) pending.push(writer.writeRow({ i, pad: 'y'.repeat(60) }));
    await Promise.all(pending);
    await writer.commit();
    const rows = JSON.parse(readFileSync(path, 'utf8')).t as Array<{ i: number }>;
    expect(rows.map((r) => r.i)).toEqual([...Array(30000).keys()]);
  });
});
