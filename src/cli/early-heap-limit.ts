/**
 * The executable's first import (cli/main.ts), before the modules the commands need: V8 sets the next heap limit at
 * each full collection, and the first one runs while those modules load (~370 ms in). Set after them, the factor
 * came one collection late: a 100,000-video `verify` grew to 44 MB of heap before its second collection (21 MB live
 * after it), as if there were no factor at all.
 */
import { limitHeapGrowth } from '../heap-growth';

limitHeapGrowth();
