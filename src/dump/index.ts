/** The dump file: Pod's `{ "<table>": [ {row}, … ], … }` JSON, read and written as streams. */
export { readDump, scanDump, openDumpSource, DumpParser } from './reader';
export type { DumpEvent, DumpRow, DumpScan, DumpTableScan, DumpProgress, ReadDumpOptions, DumpParserOptions } from './reader';
export { openDumpWriter, stringifyDumpValue } from './writer';
export type { DumpWriter } from './writer';
