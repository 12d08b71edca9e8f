/**
 * The byte-level half of the dump reader: walks the top level of a Pod dump (`{"table": [{row}, …], …}`) in byte
 * chunks split anywhere, and reports each table name, each array's start and end, and the exact bytes of each
 * row object, tracking only strings, escapes and nesting. What a row holds is reader.ts's business.
 *
 * Why a hand-written tokenizer beside @streamparser/json: finding where a row ends is a byte search (the next
 * quote, brace or bracket), after which the native `JSON.parse` parses and validates the row in one call;
 * @streamparser/json's tokenizer, in JavaScript, makes a token object for every value of every row. It stays
 * for the two things `JSON.parse` cannot do: say at which byte a bad row is wrong, and read integers beyond 2^53
 * exactly (reader.ts). Measured on an 84 MB dump (286,530 rows): 1.0–1.9 s this way, 3.5–4.2 s with
 * @streamparser/json's JSONParser alone.
 */
import { isUtf8 } from 'node:buffer';
import { Tokenizer, TokenParser } from '@streamparser/json';
import { PodMigrateError } from '../errors';

/** What the tokenizer found besides rows, in file order; offsets are absolute (uncompressed stream). */
export type DumpToken =
  /** A complete table name (the key of the top-level object), at its opening quote. */
  | { type: 'key'; name: string; offset: number }
  /** The `[` of a table's rows; `offset` is the table name's. */
  | { type: 'arrayStart'; name: string; offset: number }
  | { type: 'arrayEnd'; name: string; rows: number };

/**
 * Where the tokenizer's findings go. A row is given as a place in a buffer, not as a token: a 20,000-video dump has
 * 590,000 of them, and a token, a Buffer view and the parser's record per row were about a seventh of what the
 * import's pass over it allocated (165 of 1,140 MB).
 */
export interface DumpTokenSink {
  token(token: DumpToken): void;
  /**
   * One complete row object: `bytes[from, to)`, from its `{` (at absolute `offset`) to its `}`; `index` is 1-based.
   * `bytes` is the pushed chunk, or, for a row that began in an earlier chunk, its pieces joined.
   */
  row(bytes: Buffer, from: number, to: number, index: number, offset: number): void;
}

/** Where in the dump a fault is: PodMigrateError.describe() puts the table and row in front of the message. */
export interface DumpPlace {
  table?: string;
  row?: number;
}

/** The error for a file that is not a Pod dump, naming the file and the byte offset. */
export function dumpError(path: string | undefined, offset: number, message: string, place: DumpPlace = {}): PodMigrateError {
  const file = path === undefined ? '' : ` in ${path}`;
  return new PodMigrateError('DUMP_INVALID', `not a Pod dump${file}: ${message} (byte offset ${offset})`, {
    place: { table: place.table, row: place.row },
  });
}

/** JSON-decodes one complete key or row (`what`) that starts at `offset`; a fault names the byte that is wrong. */
export function decodeJsonBytes(bytes: Buffer, offset: number, what: string, path: string | undefined, place: DumpPlace): unknown {
  if (!isUtf8(bytes)) throw dumpError(path, offset, `the ${what} is not valid UTF-8`, place);
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    // JSON.parse does not say where (and quotes the whole text): ask the tokenizer.
    const located = locateJsonError(bytes);
    const message = located?.message ?? (error as Error).message.slice(0, 200);
    throw dumpError(path, offset + (located?.offset ?? 0), `invalid JSON in the ${what}: ${message}`, place);
  }
}

/** Where (byte offset in `bytes`) and why a JSON text is invalid, per @streamparser/json. */
function locateJsonError(bytes: Buffer): { offset: number; message: string } | undefined {
  const tokenizer = new Tokenizer();
  const parser = new TokenParser({ paths: ['$'], keepStack: false });
  let last = 0;
  tokenizer.onToken = (token) => {
    last = token.offset;
    parser.write(token);
  };
  parser.onValue = () => undefined;
  try {
    tokenizer.write(bytes);
    tokenizer.end();
    if (!parser.isEnded) return { offset: bytes.length, message: 'unexpected end of the text' };
  } catch (error) {
    const message = (error as Error).message;
    const at = /absolute position "(\d+)"/.exec(message);
    return { offset: at ? Number(at[1]) : last, message: message.replace(/ at chunk position "\d+" \(absolute position "\d+"\)/, '') };
  }
  return undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

// States (plain numbers: isolatedModules forbids const enums across files, and these are hot).
const S_START = 0; // expects '{'
const S_KEY_OR_END = 1; // after '{': expects '"' or '}'
const S_KEY = 2; // after ',' at the top level: expects '"'
const S_IN_KEY = 3; // inside a table key string
const S_COLON = 4; // expects ':'
const S_ARRAY = 5; // expects '['
const S_ROW_OR_END = 6; // after '[': expects '{' or ']'
const S_ROW = 7; // after ',' in an array: expects '{'
const S_IN_ROW = 8; // inside a row object
const S_AFTER_ROW = 9; // expects ',' or ']'
const S_AFTER_TABLE = 10; // expects ',' or '}'
const S_DONE = 11; // only whitespace may follow

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function describeByte(c: number): string {
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/**
 * Push-style: feed it byte chunks (split anywhere); it tells its sink of each token and row as soon as its last byte
 * arrives, synchronously, so that a fault the caller finds in a token (a repeated table) is raised at the same
 * point of the input as a structural one. Throws PodMigrateError('DUMP_INVALID') on a structural fault.
 */
export class DumpTokenizer {
  private state = S_START;
  /** Absolute offset of the current chunk's first byte. */
  private base = 0;
  /** Pieces of the key or row being read, from earlier chunks. */
  private pieces: Buffer[] = [];
  /** Absolute offset where the current key / row started. */
  private tokenStart = 0;
  /** Where the current row / key starts in the current chunk (0 when it started in an earlier one). */
  private rowOpen = 0;
  private keyOpen = 0;
  private depth = 0;
  private inString = false;
  private escapePending = false;
  private table: string | undefined;
  private rowIndex = 0;
  private ended = false;

  constructor(
    private readonly sink: DumpTokenSink,
    private readonly path?: string,
  ) {}

  /** Uncompressed bytes consumed so far. */
  get bytes(): number {
    return this.base;
  }

  push(chunk: Buffer): void {
    if (this.ended) throw new Error('DumpParser: push after end');
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case S_IN_ROW:
          i = this.scanRow(chunk, i);
          continue;
        case S_IN_KEY:
          i = this.scanKey(chunk, i);
          continue;
      }
      const c = chunk[i];
      if (isWhitespace(c)) {
        i++;
        continue;
      }
      switch (this.state) {
        case S_START:
          if (c !== LBRACE) {
            if (c === 0xef) this.fail(i, "the file starts with a UTF-8 byte order mark, which Pod's json.load rejects");
            this.fail(
              i,
              c === LBRACKET
                ? 'the dump is a JSON array, not an object of tables'
                : `expected '{' at the start of the dump, found ${describeByte(c)}`,
            );
          }
          this.state = S_KEY_OR_END;
          break;
        case S_KEY_OR_END:
        case S_KEY:
          if (c === QUOTE) {
            this.state = S_IN_KEY;
            this.tokenStart = this.base + i;
            this.keyOpen = i; // the key's text, quotes included, is JSON-decoded once complete
            this.escapePending = false;
            this.pieces = [];
            i++;
            continue;
          }
          if (c === RBRACE && this.state === S_KEY_OR_END) {
            this.state = S_DONE;
            break;
          }
          this.fail(i, `expected a table name (a string), found ${describeByte(c)}`);
          break;
        case S_COLON:
          if (c !== COLON) this.fail(i, `expected ':' after the table name "${this.table}", found ${describeByte(c)}`);
          this.state = S_ARRAY;
          break;
        case S_ARRAY:
          if (c !== LBRACKET)
            this.fail(i, `the value of table "${this.table}" is not an array (found ${describeByte(c)})`, { table: this.table });
          this.sink.token({ type: 'arrayStart', name: this.table!, offset: this.tokenStart });
          this.rowIndex = 0;
          this.state = S_ROW_OR_END;
          break;
        case S_ROW_OR_END:
        case S_ROW:
          if (c === LBRACE) {
            this.rowIndex++;
            this.state = S_IN_ROW;
            this.tokenStart = this.base + i;
            this.rowOpen = i;
            this.pieces = [];
            this.depth = 1;
            this.inString = false;
            this.escapePending = false;
            i++;
            continue;
          }
          if (c === RBRACKET && this.state === S_ROW_OR_END) {
            this.sink.token({ type: 'arrayEnd', name: this.table!, rows: 0 });
            this.state = S_AFTER_TABLE;
            break;
          }
          this.fail(i, `row ${this.rowIndex + 1} is not an object (found ${describeByte(c)})`, {
            table: this.table,
            row: this.rowIndex + 1,
          });
          break;
        case S_AFTER_ROW:
          if (c === COMMA) this.state = S_ROW;
          else if (c === RBRACKET) {
            this.sink.token({ type: 'arrayEnd', name: this.table!, rows: this.rowIndex });
            this.state = S_AFTER_TABLE;
          } else
            this.fail(i, `expected ',' or ']' after row ${this.rowIndex}, found ${describeByte(c)}`, {
              table: this.table,
              row: this.rowIndex,
            });
          break;
        case S_AFTER_TABLE:
          if (c === COMMA) this.state = S_KEY;
          else if (c === RBRACE) this.state = S_DONE;
          else this.fail(i, `expected ',' or '}' after table "${this.table}", found ${describeByte(c)}`, { table: this.table });
          break;
        case S_DONE:
          this.fail(i, `unexpected ${describeByte(c)} after the end of the dump object`);
      }
      i++;
    }
    // Carry the unfinished key / row over to the next chunk.
    if (this.state === S_IN_ROW) this.pieces.push(chunk.subarray(this.rowOpen));
    else if (this.state === S_IN_KEY) this.pieces.push(chunk.subarray(this.keyOpen));
    this.rowOpen = 0;
    this.keyOpen = 0;
    this.base += n;
  }

  /** Call once the input is exhausted: throws when the document is incomplete. */
  end(): void {
    this.ended = true;
    if (this.state === S_DONE) return;
    const where = this.table === undefined ? {} : { table: this.table, row: this.state === S_IN_ROW ? this.rowIndex : undefined };
    const what =
      this.state === S_START
        ? 'the dump file is empty'
        : this.state === S_IN_ROW
          ? `the file ends inside row ${this.rowIndex} of table "${this.table}" (truncated?)`
          : 'the file ends before the dump object is closed (truncated?)';
    throw dumpError(this.path, this.base, what, where);
  }

  /** Skips a string's body from `i` (just after the opening quote or where the last chunk stopped). Returns the
   * index just past the closing quote, or -1 when the chunk ends inside the string. */
  private skipString(chunk: Buffer, i: number): number {
    if (this.escapePending) {
      // The previous chunk ended with the backslash: this byte is the escaped character.
      this.escapePending = false;
      i++;
    }
    for (;;) {
      const q = chunk.indexOf(QUOTE, i);
      if (q < 0) {
        // Does the chunk end in an odd run of backslashes (an escape split across chunks)?
        let k = chunk.length - 1;
        while (k >= i && chunk[k] === BACKSLASH) k--;
        this.escapePending = (chunk.length - 1 - k) % 2 === 1;
        return -1;
      }
      let k = q - 1;
      while (k >= i && chunk[k] === BACKSLASH) k--;
      if ((q - 1 - k) % 2 === 0) return q + 1;
      i = q + 1;
    }
  }

  private scanKey(chunk: Buffer, i: number): number {
    const end = this.skipString(chunk, i);
    if (end < 0) return chunk.length;
    const bytes = this.take(chunk, this.keyOpen, end);
    const name = decodeJsonBytes(bytes, this.tokenStart, 'table name', this.path, { table: this.table }) as string;
    this.sink.token({ type: 'key', name, offset: this.tokenStart });
    this.table = name;
    this.state = S_COLON;
    return end;
  }

  private scanRow(chunk: Buffer, i: number): number {
    const n = chunk.length;
    let depth = this.depth;
    while (i < n) {
      if (this.inString) {
        const end = this.skipString(chunk, i);
        if (end < 0) {
          this.depth = depth;
          return n;
        }
        this.inString = false;
        i = end;
        continue;
      }
      const c = chunk[i];
      if (c === QUOTE) {
        this.inString = true;
        i++;
      } else if (c === LBRACE || c === LBRACKET) {
        depth++;
        i++;
      } else if (c === RBRACE || c === RBRACKET) {
        depth--;
        i++;
        if (depth === 0) {
          this.depth = 0;
          if (this.pieces.length === 0) this.sink.row(chunk, this.rowOpen, i, this.rowIndex, this.tokenStart);
          else {
            const bytes = this.take(chunk, this.rowOpen, i);
            this.sink.row(bytes, 0, bytes.length, this.rowIndex, this.tokenStart);
          }
          this.state = S_AFTER_ROW;
          return i;
        }
      } else i++;
    }
    this.depth = depth;
    return n;
  }

  /** The bytes of the current token: carried pieces + chunk[from, to). */
  private take(chunk: Buffer, from: number, to: number): Buffer {
    const last = chunk.subarray(from, to);
    if (this.pieces.length === 0) return last;
    const all = Buffer.concat([...this.pieces, last]);
    this.pieces = [];
    return all;
  }

  private fail(i: number, message: string, place: DumpPlace = {}): never {
    throw dumpError(this.path, this.base + i, message, place);
  }
}
