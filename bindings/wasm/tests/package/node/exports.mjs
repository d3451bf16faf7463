// The installed package's entry points from an ES module (tests/package/run.mjs): the subpaths,
// package.json, the default entry without the test-vector runner, verify-only in node.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as full from "yinjian";
import init, { buildFeatures as slimFeatures, TrustStore, verifyDocument } from "yinjian/verify-only";
import { runVector } from "yinjian/test-vectors";

const require = createRequire(import.meta.url);
const manifest = require("yinjian/package.json");
assert.equal(manifest.name, "yinjian");
assert.equal(full.version(), manifest.version);
assert.equal("runVector" in full, false, "the default entry has no test-vector runner");
assert.equal("vectorReport" in full, false);
assert.equal(runVector('{"id":"abc","op":"sm3","msg_ascii":"abc","digest_hex":"66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"}').id, "abc");
// verify-only in node: init() has nothing to fetch.
await init();
assert.deepEqual(Object.values(slimFeatures()), [false, false, false, false]);
const trust = new TrustStore();
trust.addPem(readFileSync("root.pem"));
const bytes = readFileSync("notice.ofd");
const report = verifyDocument(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), trust, {
  intermediates: [readFileSync("int.pem")],
  revocationRequired: false,
});
assert.equal(report.status, "PASSED", JSON.stringify(report.checks));
assert.throws(() => full.verifyDocument(new Blob([bytes]), trust), full.InvalidArgumentError);
console.log("exports.mjs: ok");
