/**
 * The encoded form of a collation's fold table: shared by the generated data (generated/fold-tables.ts) and its
 * decoder (fold.ts). The encoder is scripts/generate-fold-tables.js, outside the shipped build.
 */

export interface EncodedFoldTable {
  /** `start,length,target,step` runs (base 36): start+i → target+i*step. */
  runs: string;
  /** `start,length` runs (base 36) of code points that fold to nothing. */
  ignorable: string;
  /** `delta:cp,cp,…` (base 36, delta from the previous entry's code point): expansions. */
  expansions: string;
}
