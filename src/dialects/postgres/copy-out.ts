/**
 * Bulk reads through `COPY (SELECT …) TO STDOUT` (text format) on node-postgres clients of their own (the sanctioned
 * exception to slonik, as the import's COPY FROM): the server streams the rows as text, split here by hand into each
 * column's text (or NULL) and decoded by codec.ts's decoders, as the cursor path decodes the driver's values — no row
 * objects, no FETCH round trips, none of slonik's per-query machinery; a chunk's rows are decoded and handed over
 * while the next chunk arrives, so they die young (verify reads millions). `lines` hands the rows over undecoded,
 * one Buffer per line, for verify's byte comparison of two PostgreSQL databases.
 *
 * The text is what the cursor path receives too (the same output functions, the same session settings); only the
 * types node-postgres would parse into objects (arrays, ranges, geometric types) keep the cursor path: `copyReadable`.
 */
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { CanonicalValue } from '../../convert/logical-types';
import type { ColumnInfo } from '../dialect';
import { STRING_PIECE } from '../../string-pieces';
import { readableBatches } from '../readable-batches';
import type { Decoder } from './codec';

/** pg-copy-streams' COPY TO stream: its class, and the protocol parser this module speeds up. */
type CopyToStream = ReturnType<typeof copyTo> & { _parse(chunk: Buffer): boolean };
const CopyToStreamClass = Object.getPrototypeOf(copyTo('')).constructor as new (text: string) => CopyToStream;
const COPY_DATA = 0x64; // 'd': one row
/** Messages pg-copy-streams passes over during a COPY (CopyOutResponse, NoticeResponse, ParameterStatus, NotificationResponse). */
const PASSED_OVER = new Set([0x48, 0x4e, 0x53, 0x41]);

/**
 * pg-copy-streams' COPY TO stream, with the CopyData messages (one per row) read here: their payloads are copied into
 * one buffer per socket chunk, where pg-copy-streams makes a Buffer view per row and joins them. The first other
 * message (CopyDone, an error) and everything after it go to pg-copy-streams' own parser, from that message's start.
 */
class WholeRowsCopyToStream extends CopyToStreamClass {
  /** The start of a message the last chunk ended in. */
  private carry: Buffer | null = null;
  private handedOver = false;

  override _parse(chunk: Buffer): boolean {
    if (this.handedOver) return super._parse(chunk);
    const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    const out = Buffer.allocUnsafe(data.length);
    let written = 0;
    let at = 0;
    while (at < data.length) {
      const code = data[at];
      if (code !== COPY_DATA && !PASSED_OVER.has(code)) break;
      const end = at + 5 <= data.length ? at + 1 + data.readUInt32BE(at + 1) : Number.POSITIVE_INFINITY;
      if (end > data.length) {
        this.carry = data.subarray(at);
        at = data.length;
        break;
      }
      if (code === COPY_DATA) written += data.copy(out, written, at + 5, end);
      at = end;
    }
    const drained = written > 0 ? this.push(out.subarray(0, written)) : true;
    if (at === data.length) return drained;
    this.handedOver = true;
    return super._parse(data.subarray(at)) && drained;
  }
}

/** Text columns whose COPY text is the value node-postgres hands over (others are parsed into arrays or objects). */
const PLAIN_TEXT_TYPE = /^(?:text|character varying(?:\(\d+\))?|character(?:\(\d+\))?|name|citext|"char")$/;

/** Whether every column reads through COPY to the values the cursor path gives. */
export function copyReadable(columns: readonly Pick<ColumnInfo, 'type' | 'nativeType'>[]): boolean {
  return columns.every((c) => c.type !== 'text' || PLAIN_TEXT_TYPE.test(c.nativeType));
}

/** A COPY text field that could not be decoded: its row (0-based in the text), column and the row's fields. */
export class CopyFieldError extends Error {
  constructor(
    readonly error: unknown,
    readonly row: number,
    readonly column: number,
    readonly fields: readonly (string | null)[],
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Lines of COPY text (each ended by '\n', fields split by '\t', NULL as '\N', backslash escapes) → rows of decoded
 * values. A field's decoder error is thrown as a CopyFieldError naming the column and the row's fields.
 */
export function decodeCopyText(text: string, decoders: readonly Decoder[]): CanonicalValue[][] {
  const width = decoders.length;
  const rows: CanonicalValue[][] = [];
  let pos = 0;
  while (pos < text.length) {
    const lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) throw new Error('COPY text ends inside a row');
    const row = new Array<CanonicalValue>(width);
    let start = pos;
    for (let c = 0; c < width; c++) {
      const end = c === width - 1 ? lineEnd : text.indexOf('\t', start);
      if (end < 0 || end > lineEnd) throw new Error(`a row of the COPY text has ${c + 1} fields, ${width} expected`);
      const n = decoders[c].type === 'integer' ? copyInteger(text, start, end) : undefined;
      if (n !== undefined) row[c] = n;
      else if (end - start === 2 && text.charCodeAt(start) === 92 /* \ */ && text.charCodeAt(start + 1) === 78 /* N */) row[c] = null;
      else {
        let field = text.slice(start, end);
        if (field.includes('\\')) field = unescapeCopyField(field);
        try {
          row[c] = decoders[c](field);
        } catch (error) {
          throw new CopyFieldError(error, rows.length, c, splitCopyLine(text.slice(pos, lineEnd)));
        }
      }
      start = end + 1;
    }
    rows.push(row);
    pos = lineEnd + 1;
  }
  return rows;
}

/**
 * The integer that text[start, end) spells as PostgreSQL writes one ('-' and up to 15 digits, always safe), read
 * without making the field's text; undefined for anything else (the decoder then has the text).
 */
function copyInteger(text: string, start: number, end: number): number | undefined {
  const negative = text.charCodeAt(start) === 45; /* - */
  const from = negative ? start + 1 : start;
  if (from === end || end - from > 15) return undefined;
  let n = 0;
  for (let at = from; at < end; at++) {
    const digit = text.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  return negative ? -n : n;
}

/** One line's fields, undecoded (for messages). */
function splitCopyLine(line: string): (string | null)[] {
  return line.split('\t').map((field) => (field === '\\N' ? null : unescapeCopyField(field)));
}

const ESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/**
 * A field's backslash escapes undone. PostgreSQL's COPY TO writes only these (other control characters go as they
 * are); an octal or hex escape (a byte, which COPY TO never writes) is refused rather than guessed.
 */
export function unescapeCopyField(field: string): string {
  let out = '';
  let from = 0;
  for (let at = field.indexOf('\\'); at >= 0; at = field.indexOf('\\', from)) {
    const escaped = ESCAPED[field[at + 1]];
    if (escaped === undefined) throw new Error(`unexpected escape "\\${field[at + 1] ?? ''}" in COPY text`);
    out += field.slice(from, at) + escaped;
    from = at + 2;
  }
  return out + field.slice(from);
}

/** `text` (whole lines) cut at line ends into pieces of at most `most` bytes; a longer line is a piece of its own. */
export function* linePieces(text: Buffer, most: number): Generator<Buffer> {
  let start = 0;
  while (start < text.length) {
    let end = text.length;
    if (end - start > most) {
      const cut = text.lastIndexOf(10 /* \n */, start + most - 1);
      end = (cut >= start ? cut : text.indexOf(10, start + most)) + 1;
      if (end === 0) end = text.length;
    }
    yield text.subarray(start, end);
    start = end;
  }
}

/**
 * Clients for COPY TO, kept open between reads (a connection per table would cost more than a small table's read).
 * A read stopped or failed before its end ends its client (the server may still be sending).
 */
export class CopyOutClients {
  private readonly idle: pg.Client[] = [];
  private readonly busy = new Set<pg.Client>();
  private closed = false;

  /** `setUp`: run on each new client before its first read (a snapshot's clients: BEGIN, SET TRANSACTION SNAPSHOT). */
  constructor(
    private readonly config: pg.ClientConfig,
    private readonly setUp?: (client: pg.Client) => Promise<void>,
  ) {}

  /**
   * The rows of `select`, decoded, a batch per chunk the server sent. `onError` maps what is thrown (the server's
   * errors, a CopyFieldError) before it reaches the consumer.
   */
  async *rows(select: string, decoders: readonly Decoder[], onError: (error: unknown) => unknown): AsyncGenerator<CanonicalValue[][]> {
    try {
      for await (const piece of this.textPieces(select)) {
        const rows = decodeCopyText(piece.toString('utf8'), decoders);
        if (rows.length > 0) yield rows;
      }
    } catch (error) {
      throw onError(error);
    }
  }

  /** The rows of `select` as their COPY text lines (without the newline), undecoded, a batch per chunk. */
  async *lines(select: string, onError: (error: unknown) => unknown): AsyncGenerator<Buffer[]> {
    try {
      for await (const piece of this.textPieces(select)) {
        const lines: Buffer[] = [];
        for (let start = 0; start < piece.length; ) {
          const end = piece.indexOf(10 /* \n */, start);
          if (end < 0) throw new Error('COPY text ends inside a row');
          lines.push(piece.subarray(start, end));
          start = end + 1;
        }
        yield lines;
      }
    } catch (error) {
      throw onError(error);
    }
  }

  /** The COPY text of `select` in pieces of whole lines, at most STRING_PIECE bytes each (unless one line is longer). */
  private async *textPieces(select: string): AsyncGenerator<Buffer> {
    let client: pg.Client | undefined;
    let stream: ReturnType<typeof copyTo> | undefined;
    let reusable = false;
    try {
      client = await this.acquire();
      stream = client.query(new WholeRowsCopyToStream(`COPY (${select}) TO STDOUT`));
      /** Bytes of a row not ended yet (a row can span chunks). */
      let pending: Buffer[] = [];
      for await (const chunks of readableBatches(stream)) {
        for (const chunk of chunks as Buffer[]) {
          const lastEnd = chunk.lastIndexOf(10 /* \n */);
          if (lastEnd < 0) {
            pending.push(chunk);
            continue;
          }
          // Cut at the last line's end only (a character's UTF-8 bytes never span the cut), in pieces (STRING_PIECE).
          const head = pending.length > 0 ? Buffer.concat([...pending, chunk.subarray(0, lastEnd + 1)]) : chunk.subarray(0, lastEnd + 1);
          pending = lastEnd + 1 < chunk.length ? [chunk.subarray(lastEnd + 1)] : [];
          yield* linePieces(head, STRING_PIECE);
        }
      }
      if (pending.length > 0) throw new Error('COPY text ends inside a row');
      reusable = true;
    } finally {
      // Stopped or failed before its end: the client is ended, which the stream reports as an error no one reads.
      if (!reusable) stream?.on('error', () => undefined);
      if (client) this.release(client, reusable);
    }
  }

  private async acquire(): Promise<pg.Client> {
    if (this.closed) throw new Error('the connection is closed');
    const reused = this.idle.pop();
    if (reused) {
      this.busy.add(reused);
      return reused;
    }
    const client = new pg.Client(this.config);
    // An error of an idle client (the server went away) surfaces at its next query.
    client.on('error', () => undefined);
    this.busy.add(client);
    try {
      await client.connect();
      await this.setUp?.(client);
    } catch (error) {
      this.busy.delete(client);
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  private release(client: pg.Client, reusable: boolean): void {
    this.busy.delete(client);
    if (reusable && !this.closed) this.idle.push(client);
    else void client.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.idle, ...this.busy];
    this.idle.length = 0;
    this.busy.clear();
    await Promise.all(all.map((client) => client.end().catch(() => undefined)));
  }
}
