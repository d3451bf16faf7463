// The subpath `yinjian/test-vectors`: the runner of the repository's test-vectors/*.jsonl
// lines, which the package's own tests use. Kept out of the default entry; errors are
// `YinjianError`s as everywhere (a mismatch: code `VectorMismatch`).
// scripts/build-npm copies it as pkg-web/test-vectors.js and pkg-node/test-vectors.mjs.
import { _guard } from "./index.js";

export const runVector = _guard("runVector");
export const vectorReport = _guard("vectorReport");
