// Types of the subpath `yinjian/test-vectors` (js/test-vectors.js).
import type { VectorOutcome, VectorReport } from "./index.js";

/** Runs one line of a `test-vectors/*.jsonl` file: `{ id, skipped }`; throws a
 * `YinjianError` with code `VectorMismatch` when the library's answer differs. */
export declare function runVector(line: string): VectorOutcome;
/** The report a test-vector line makes, unjudged: `{ id, report }`, or `undefined` for a line
 * that makes none. */
export declare function vectorReport(line: string): VectorReport | undefined;
