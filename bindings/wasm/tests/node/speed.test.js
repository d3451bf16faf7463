// Speed of the WASM build against `sm-crypto` (the pure-JS SM2/SM3 library most portals use)
// in the same node process, back to back (tests/shared/speed.js), and verifyOfd on the
// e-invoice OFDs of the shared corpus. Prints every figure; fails only below the floors
// (far under issue 9's targets, so a loaded CI machine does not make it flaky, but above
// what losing the fast SM2/SM3 paths would give). The Chromium test measures the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { measureSpeed, speedLines, speedProblems } from "../shared/speed.js";
import { corpusPath } from "../shared/corpus.mjs";

const require = createRequire(import.meta.url);
const lib = await import("../../pkg-node/index.mjs");
const { sm2, sm3 } = require("sm-crypto");
const smCrypto = { sm2, sm3 };
/** Milliseconds each rate is measured for. */
const MEASURE_MS = Number(process.env.SPEED_MS || 1000);
const corpus = corpusPath("ofd", "speed: verifyOfd on the corpus e-invoices");

test("speed beside sm-crypto (SM2 verify, SM3) and verifyOfd on e-invoices", () => {
  const ofds = {};
  for (const name of ["1.ofd", "SESV4SignDoc.ofd"]) {
    const path = corpus && join(corpus, name);
    if (path && existsSync(path)) ofds[name] = new Uint8Array(readFileSync(path));
  }
  const speed = measureSpeed(lib, smCrypto, ofds, MEASURE_MS);
  for (const line of speedLines(speed)) console.log(`node: ${line}`);
  assert.deepEqual(speedProblems(speed), []);
});
