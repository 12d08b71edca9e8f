/**
 * Rows in LOAD DATA's default text format (tab between fields, newline after each row, `\N` for NULL; backslash,
 * tab, newline, carriage return and NUL escaped), written straight into Buffers of PIECE_BYTES.
 *
 * Joining each row's fields (one string each) into a line, the lines into 32 KB strings, then encoding those to UTF-8,
 * as LoadDataWriter did, made two short-lived string objects per field and copied every byte twice: a 20,000-video
 * import allocated 495 MB there for 109 MB of text. Here a short text is encoded and escaped by one loop over its
 * characters, an integer's digits are written without a string, and a long text (or one with a character beyond
 * ASCII) is checked for escapes and written by Buffer's own UTF-8 encoder.
 */
import { numberText } from '../../convert/integer-text';
import type { DriverParam } from './codec';

/** Size of a fresh piece (a longer value gets a piece of its own size). */
const PIECE_BYTES = 64 * 1024;
/** Texts up to this many characters are encoded by the loop; longer ones by Buffer.write. */
const SHORT_TEXT = 64;

const BACKSLASH = 0x5c;
const TAB = 0x09;
const NEWLINE = 0x0a;
/** The letter written after a backslash for each escaped character: NUL → 0, tab → t, newline → n, CR → r, \ → \. */
const ESCAPED_AS: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u0000': '\\0' };
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\\\t\n\r\u0000]/;
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE_ALL = /[\\\t\n\r\u0000]/g;

export class TsvPieces {
  private piece = Buffer.allocUnsafe(PIECE_BYTES);
  /** Where the next byte goes in `piece`. */
  private at = 0;
  /** Start of the part of `piece` not handed out yet. */
  private start = 0;
  /** Full pieces not handed out yet. */
  private done: Buffer[] = [];
  /** Bytes written before `piece` (in `done` and handed out), for `length`. */
  private before = 0;

  /** Bytes written so far (a row's size is the difference across it). */
  get length(): number {
    return this.before + this.at;
  }

  /** One field: `\N`, an integer's digits, a Buffer as hex (loaded through UNHEX), a text escaped; `binary`: text as hex. */
  field(value: DriverParam, binary: boolean): void {
    if (value === null) {
      this.room(2);
      this.piece[this.at++] = BACKSLASH;
      this.piece[this.at++] = 0x4e; // N
    } else if (typeof value === 'number') {
      if (Number.isSafeInteger(value)) this.integer(value);
      else this.text(numberText(value));
    } else if (Buffer.isBuffer(value)) {
      this.text(value.toString('hex'));
    } else if (binary) {
      this.text(Buffer.from(value, 'utf8').toString('hex'));
    } else {
      this.text(value);
    }
  }

  tab(): void {
    this.room(1);
    this.piece[this.at++] = TAB;
  }

  newline(): void {
    this.room(1);
    this.piece[this.at++] = NEWLINE;
  }

  /** What was written since the last call, as Buffers (views of the pieces, never written again). */
  take(): Buffer[] {
    const out = this.done;
    if (this.at > this.start) out.push(this.piece.subarray(this.start, this.at));
    this.done = [];
    this.start = this.at;
    return out;
  }

  /** Forgets what was written since the last `take` (a batch refused while it was encoded). */
  discard(): void {
    for (const piece of this.done) this.before -= piece.length;
    this.done = [];
    this.at = this.start;
  }

  /** Makes room for `bytes` more in `piece`. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.piece.length) return;
    if (this.at > this.start) this.done.push(this.piece.subarray(this.start, this.at));
    this.before += this.at;
    this.piece = Buffer.allocUnsafe(Math.max(PIECE_BYTES, bytes));
    this.at = 0;
    this.start = 0;
  }

  private integer(value: number): void {
    let n = value;
    if (n < 0) {
      this.room(1);
      this.piece[this.at++] = 0x2d; // -
      n = -n;
    }
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
    this.room(digits);
    for (let k = this.at + digits - 1; k >= this.at; k -= 1) {
      const high = Math.floor(n / 10);
      this.piece[k] = 0x30 + (n - high * 10);
      n = high;
    }
    this.at += digits;
  }

  private text(value: string): void {
    const length = value.length;
    if (length <= SHORT_TEXT) {
      this.room(length * 3); // at most 3 bytes per UTF-16 unit, an escape 2
      const piece = this.piece;
      let at = this.at;
      let ascii = true;
      for (let j = 0; j < length; j += 1) {
        const c = value.charCodeAt(j);
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        if (c === BACKSLASH || c === TAB || c === NEWLINE || c === 0x0d || c === 0) {
          piece[at++] = BACKSLASH;
          piece[at++] = c === BACKSLASH ? BACKSLASH : c === TAB ? 0x74 : c === NEWLINE ? 0x6e : c === 0x0d ? 0x72 : 0x30;
        } else {
          piece[at++] = c;
        }
      }
      if (ascii) {
        this.at = at;
        return;
      }
    }
    const escaped = NEEDS_ESCAPE.test(value) ? value.replace(NEEDS_ESCAPE_ALL, (c) => ESCAPED_AS[c]) : value;
    this.room(Buffer.byteLength(escaped, 'utf8'));
    this.at += this.piece.write(escaped, this.at, 'utf8');
  }
}
