/**
 * Who wrote a dump: Pod's own exporter (Python's `json.dump(…, indent=4)`: the first table key indented by four
 * spaces) or pod-migrate's writer (`{` then one row per line, keys unindented). Verify accepts Pod's exporter's known
 * losses (microseconds, comma-joined tag names) as "lossy" only for a dump Pod's exporter wrote: in one of ours the
 * same difference is corruption.
 */
import { openDumpSource } from './reader';

export type DumpOrigin = 'pod-exporter' | 'pod-migrate' | 'unknown';

/** Bytes of the (uncompressed) head enough to see the layout before the first key. */
const HEAD_BYTES = 64;

export async function dumpOrigin(path: string): Promise<DumpOrigin> {
  let source: Awaited<ReturnType<typeof openDumpSource>>;
  try {
    source = await openDumpSource(path, 4096);
  } catch {
    return 'unknown'; // no dump (a plan run without export): nothing Pod's exporter wrote
  }
  let head = '';
  try {
    for await (const chunk of source.stream) {
      head += (chunk as Buffer).toString('utf8');
      if (head.length >= HEAD_BYTES) break;
    }
  } finally {
    source.stream.destroy();
  }
  const layout = /^\s*\{(\s*)"/.exec(head);
  if (!layout) return 'unknown';
  if (layout[1] === '\n    ' || layout[1] === '\r\n    ') return 'pod-exporter';
  if (layout[1] === '\n') return 'pod-migrate';
  return 'unknown';
}
