/**
 * The most characters (or bytes) put into one string that is built or decoded in bulk: the MariaDB INSERT statements,
 * the COPY output decoded from PostgreSQL, the runs of dump rows parsed by one JSON.parse (the text LOAD DATA and COPY
 * read is written into Buffers: dialects/tsv-pieces.ts).
 *
 * V8 puts a string of over 128 KB (64K characters of two-byte text: one accented letter makes a string two-byte) in
 * its large-object space, freshly mapped memory each time. Measured on French text: 256 KB INSERT statements took
 * 2.4 times as long to build as 32 KB ones, and decoding COPY output in 64–128 KB pieces took 3.5–4.5 times as long
 * per byte as in 32 KB pieces.
 */
export const STRING_PIECE = 32 * 1024;
