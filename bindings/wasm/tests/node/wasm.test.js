// node --test bindings/wasm/tests/node/  (after scripts/build-wasm)
// Runs every line of every test-vectors/*.jsonl through runVector, and the API checks of
// ../shared/suite.js, against the --target nodejs build in bindings/wasm/pkg-node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { vectorFiles } from "../shared/vector-files.mjs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { apiChecks, chainChecks, checkVectorLine, identifierChecks, isSkippable, ofdChecks, sealChecks, vectorLines } from "../shared/suite.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = join(here, "..", "..", "..", "..");
const vectorDir = join(repo, "test-vectors");
// The package entry point (errors as YinjianError subclasses), as `import "yinjian"` gives it.
// The test-vector runner is the subpath `yinjian/test-vectors`, not in the default entry.
const lib = { ...(await import("../../pkg-node/index.mjs")), ...(await import("../../pkg-node/test-vectors.mjs")) };

const files = vectorFiles(vectorDir).map((name) => ({ name, text: readFileSync(join(vectorDir, name), "utf8") }));
const lines = vectorLines(files);
const cases = lines.filter(({ line }) => !isSkippable(line)).length;

test(`vector files hold cases (${files.length} files, ${cases} cases)`, () => {
  assert.ok(files.length > 0, "no test-vectors/*.jsonl");
  assert.ok(cases > 0, "no cases in test-vectors/*.jsonl");
});

for (const entry of lines) {
  test(`vector ${entry.file}:${entry.lineNo}`, () => {
    checkVectorLine(lib, entry);
  });
}

for (const [name, check] of [...apiChecks, ...chainChecks(lines), ...sealChecks(lines), ...ofdChecks(lines), ...identifierChecks]) {
  test(`api: ${name}`, () => check(lib));
}
