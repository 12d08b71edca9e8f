/** A plan's table as the resolver gives it (`ResolvedTable`), for tests of the mapping and the row checks. */
import type { ResolvedTable } from '../../src/plan/types';

/** Replaced in full, same name in the target, orphans fail, no column rule or repair, unless `extra` says otherwise. */
export function resolvedTable(name: string, extra: Partial<ResolvedTable> = {}): ResolvedTable {
  return {
    name,
    target: name,
    strategy: 'replace',
    key: [],
    orphans: 'fail',
    orderBy: null,
    columns: {},
    repairs: [],
    why: null,
    ...extra,
  };
}
