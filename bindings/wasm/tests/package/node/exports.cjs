// The installed package from CommonJS (tests/package/run.mjs): require() without require(esm),
// the same API and error classes as the ES module entry.
const assert = require("node:assert/strict");
const { readFileSync } = require("node:fs");
const yinjian = require("yinjian");

assert.equal(typeof yinjian.default, "function");
assert.equal(yinjian.init, yinjian.default);
assert.equal(yinjian.version(), require("yinjian/package.json").version);
assert.equal("runVector" in yinjian, false);
const trust = new yinjian.TrustStore();
trust.addPem(readFileSync("root.pem", "utf8"));
const file = readFileSync("notice.ofd");
const report = yinjian.verifyDocument(new DataView(file.buffer, file.byteOffset, file.byteLength), trust, {
  revocationRequired: false,
});
assert.equal(report.status, "INDETERMINATE", "without its intermediate the chain cannot be built");
assert.throws(() => yinjian.verifyDocument("notice.ofd", trust), (e) => e instanceof yinjian.InvalidArgumentError && e.code === "InvalidArgument");
assert.throws(() => yinjian.verifyDocument(new Uint8Array(0), {}), (e) => e instanceof yinjian.YinjianError && e.code === "InvalidArgument");
console.log("exports.cjs: ok");
