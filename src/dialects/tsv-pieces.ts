/**
 * Rows in the tab-separated text both bulk loads read — MariaDB's LOAD DATA in its default format, PostgreSQL's COPY
 * in its text format: a tab between fields, a newline after each row, `\N` for NULL; backslash, tab, newline and
 * carriage return escaped with a backslash (`\\`, `\t`, `\n`, `\r`), NUL as `\0` (LOAD DATA's spelling: PostgreSQL's
 * codec refuses a NUL before it gets here). Written straight into Buffers of PIECE_BYTES.
 *
 * Joining each row's fields (one string each) into a line, the lines into 32 KB strings, then encoding those to UTF-8,
 * as both writers once did, made two short-lived string objects per field and copied every byte twice: a 20,000-video
 * import allocated 495 MB there for 109 MB of text. Here a short text is encoded and escaped by one loop over its
 * characters, an integer's digits are written without a string, and a long text (or one with a character beyond
 * ASCII) is written by Buffer's own UTF-8 encoder, then escaped in place where it has anything to escape.
 */

import { numberText } from '../convert/integer-text';

/** Size of a fresh piece (a longer value gets a piece of its own size). */
const PIECE_BYTES = 64 * 1024;
/** Texts up to this many characters are encoded by the loop; longer ones by Buffer.write. */
const SHORT_TEXT = 64;

const BACKSLASH = 0x5c;
const TAB = 0x09;
const NEWLINE = 0x0a;
/** The letter written after a backslash for each escaped byte (NUL → 0, tab → t, newline → n, CR → r, \ → \), 0 for the others. */
const ESCAPE_LETTER = new Uint8Array(256);
ESCAPE_LETTER[BACKSLASH] = BACKSLASH;
ESCAPE_LETTER[TAB] = 0x74;
ESCAPE_LETTER[NEWLINE] = 0x6e;
ESCAPE_LETTER[0x0d] = 0x72;
ESCAPE_LETTER[0] = 0x30;
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\\\t\n\r\u0000]/;

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

  /** One field: `\N` for NULL, a number's digits, a text escaped. */
  field(value: string | number | null): void {
    if (value === null) this.nullField();
    else if (typeof value === 'number') {
      if (Number.isSafeInteger(value)) this.integer(value);
      else this.text(numberText(value));
    } else this.text(value);
  }

  /** SQL NULL: `\N`. */
  nullField(): void {
    this.room(2);
    this.piece[this.at++] = BACKSLASH;
    this.piece[this.at++] = 0x4e; // N
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

  /** A safe integer's digits (the caller checks Number.isSafeInteger). */
  integer(value: number): void {
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

  /** A text, escaped. */
  text(value: string): void {
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
        const letter = ESCAPE_LETTER[c];
        if (letter !== 0) {
          piece[at++] = BACKSLASH;
          piece[at++] = letter;
        } else {
          piece[at++] = c;
        }
      }
      if (ascii) {
        this.at = at;
        return;
      }
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    if (!NEEDS_ESCAPE.test(value)) {
      this.room(bytes);
      this.at += this.piece.write(value, this.at, 'utf8');
      return;
    }
    // Escaped in place, not by a replaced copy of the text (30 MB of strings in a 20,000-video import): its UTF-8
    // bytes written, counted, then moved up from the end, a backslash before each escaped byte (UTF-8 never uses
    // these bytes inside a character).
    this.room(bytes * 2);
    const piece = this.piece;
    const start = this.at;
    const end = start + piece.write(value, start, 'utf8');
    let escapes = 0;
    for (let i = start; i < end; i += 1) if (ESCAPE_LETTER[piece[i]] !== 0) escapes += 1;
    let from = end;
    let to = end + escapes;
    this.at = to;
    while (escapes > 0) {
      const byte = piece[--from];
      const letter = ESCAPE_LETTER[byte];
      piece[--to] = letter === 0 ? byte : letter;
      if (letter !== 0) {
        piece[--to] = BACKSLASH;
        escapes -= 1;
      }
    }
  }
}
