/**
 * The foreign-key values the preflight could not decide yet (their referenced table comes later in the dump): each
 * row's (value, row key), decided once the referenced table has been read whole (row-checks.ts). Most values are
 * present in the end, and only the ones that are not (orphans) need their first row's key and their row count; so the
 * rows are not aggregated per value while the dump streams (a Map of strings held some 100 MB at 100,000 videos; typed
 * pages per value, 12 bytes for every id of the range each of Pod's ~70 foreign keys touches, still 42 MB) but appended
 * to a byte log: a varint of the value and one of the row key's difference from the previous row's (rows come in key
 * order), about 4 bytes a row. Values and keys that are not small integers are written as UTF-8 text, in the same log,
 * in row order.
 */
import { asSmallInteger } from './key-set';

/** The first chunk's size; each next one doubles, up to MAX_CHUNK (so a few rows cost a few KB, not a megabyte). */
const FIRST_CHUNK = 1024;
const MAX_CHUNK = 256 * 1024;

/** An append-only list of bytes in chunks, read back once from the start. */
class ByteLog {
  private chunks: Uint8Array[] = [];
  private chunk = new Uint8Array(0);
  private position = 0;

  /** Bytes held (the chunks' sizes). */
  get bytes(): number {
    return this.chunks.reduce((sum, c) => sum + c.length, 0);
  }

  push(byte: number): void {
    if (this.position === this.chunk.length) {
      this.chunk = new Uint8Array(Math.min(MAX_CHUNK, Math.max(FIRST_CHUNK, this.chunk.length * 2)));
      this.chunks.push(this.chunk);
      this.position = 0;
    }
    this.chunk[this.position++] = byte;
  }

  /** A non-negative integer below 2^53, 7 bits a byte (arithmetic, not bitwise: above 2^31 too). */
  pushVarint(n: number): void {
    while (n >= 128) {
      this.push((n % 128) + 128);
      n = Math.floor(n / 128);
    }
    this.push(n);
  }

  /** Text: its UTF-8 length (tagged odd) then its bytes. */
  pushText(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.pushVarint(bytes.length * 2 + 1);
    for (const byte of bytes) this.push(byte);
  }

  /** A reader from the log's start; the log is emptied (the reader lets each chunk go once read). */
  take(): LogReader {
    const reader = new LogReader(this.chunks, this.position);
    this.chunks = [];
    this.chunk = new Uint8Array(0);
    this.position = 0;
    return reader;
  }
}

class LogReader {
  /** The integer read by tagged(), or null when it read text. */
  integer: number | null = null;
  /** The text read by tagged(), when not an integer. */
  text = '';

  private index = 0;
  private position = 0;

  constructor(
    private readonly chunks: Uint8Array[],
    private readonly lastLength: number,
  ) {}

  get done(): boolean {
    const last = this.chunks.length - 1;
    return this.index > last || (this.index === last && this.position >= this.lastLength);
  }

  private byte(): number {
    let chunk = this.chunks[this.index]!;
    if (this.position === chunk.length) {
      this.chunks[this.index] = new Uint8Array(0); // read: let it go
      this.index += 1;
      this.position = 0;
      chunk = this.chunks[this.index]!;
    }
    return chunk[this.position++]!;
  }

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b % 128) * scale;
      if (b < 128) return n;
      scale *= 128;
    }
  }

  /** An integer (tag bit clear: the varint halved) into `integer`, or text (tag bit set) into `text`. */
  tagged(): void {
    const head = this.varint();
    if (head % 2 === 0) {
      this.integer = head / 2;
      return;
    }
    const bytes = Buffer.allocUnsafe((head - 1) / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = this.byte();
    this.integer = null;
    this.text = bytes.toString('utf8');
  }
}

/** A pending value that is not present: its first row's key and how many rows hold it. */
export interface UnresolvedReference {
  value: string;
  key: string;
  count: number;
}

export class PendingReferences {
  private readonly log = new ByteLog();
  private previousKey = 0;
  private rows = 0;

  /** Bytes the log holds. */
  get bytes(): number {
    return this.log.bytes;
  }

  /** Rows added (and not yet read back by unresolved()). */
  get size(): number {
    return this.rows;
  }

  /**
   * One more row holding `value` (a canonical key); `rowKey`: the row's key, as a non-negative integer when it is
   * one (the caller's fast path: no string), else a function that gives it.
   */
  add(value: string | number, rowKey: number | (() => string)): void {
    const integer = typeof value === 'number' ? value : asSmallInteger(value);
    if (integer !== null) this.log.pushVarint(integer * 2);
    else this.log.pushText(value as string);
    const text = typeof rowKey === 'number' ? '' : rowKey();
    const key = typeof rowKey === 'number' ? rowKey : asSmallInteger(text);
    if (key !== null) {
      // Zigzag of the difference from the previous integer key (small: rows come in key order), tagged even.
      const delta = key - this.previousKey;
      this.log.pushVarint((delta >= 0 ? delta * 2 : -delta * 2 - 1) * 2);
      this.previousKey = key;
    } else this.log.pushText(text);
    this.rows += 1;
  }

  /**
   * The values `isPresent` does not find (given a value as the number it is, when a small integer, else its text),
   * each with its first row's key and its row count, in the order of their first rows. Reads the log once and
   * empties it.
   */
  unresolved(isPresent: (value: number | string) => boolean): UnresolvedReference[] {
    const found = new Map<number | string, UnresolvedReference>();
    const reader = this.log.take();
    let previousKey = 0;
    while (!reader.done) {
      reader.tagged();
      const value = reader.integer ?? reader.text;
      reader.tagged();
      let rowKey: number | string = reader.text;
      if (reader.integer !== null) {
        const zigzag = reader.integer;
        previousKey += zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
        rowKey = previousKey;
      }
      if (isPresent(value)) continue;
      const entry = found.get(value);
      if (entry) entry.count += 1;
      else found.set(value, { value: String(value), key: String(rowKey), count: 1 });
    }
    this.previousKey = 0;
    this.rows = 0;
    return [...found.values()];
  }
}
