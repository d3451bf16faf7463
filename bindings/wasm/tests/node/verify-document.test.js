// verifyDocument: any document through the library's Verifier, its kind told by the first
// bytes (as `yinjian verify` tells it) or named; and the package entry exporting every
// function the WebAssembly module has (the runner only under `yinjian/test-vectors`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const lib = await import("../../pkg-node/index.mjs");
const repo = fileURLToPath(new URL("../../../..", import.meta.url));
const read = (path) => readFileSync(join(repo, path));
const text = (path) => read(path).toString("utf8");
const ofd = read("test-vectors/sample/notice.ofd");
const sm2Trust = () => {
  const trust = new lib.TrustStore();
  trust.addPem(text("test-vectors/x509/sm2/certs/root.pem"));
  return trust;
};
const ofdOptions = { at: "2027-06-01T00:00:00Z", revocationRequired: false, intermediates: [text("test-vectors/x509/sm2/certs/int.pem")] };

test("an OFD is told by its bytes and verified as verifyOfd verifies it", () => {
  const trust = sm2Trust();
  const report = lib.verifyDocument(ofd, trust, ofdOptions);
  assert.equal(report.kind, "ofd");
  assert.equal(report.status, "PASSED", report.summary);
  assert.deepEqual(report, lib.verifyOfd(ofd, trust, ofdOptions));
  // An ArrayBuffer reads the same.
  assert.deepEqual(lib.verifyDocument(ofd.buffer.slice(ofd.byteOffset, ofd.byteOffset + ofd.length), trust, ofdOptions), report);
});

test("without trust anchors a sound document is INDETERMINATE, not FAILED", () => {
  const report = lib.verifyDocument(ofd, new lib.TrustStore(), ofdOptions);
  assert.equal(report.status, "INDETERMINATE", report.summary);
  assert.equal(report.reason, "UntrustedChain");
});

test("the option kind, the validation policy and the progress callback apply", () => {
  const trust = sm2Trust();
  const asPdf = lib.verifyDocument(ofd, trust, { ...ofdOptions, kind: "pdf" });
  assert.equal(asPdf.kind, "pdf");
  assert.equal(asPdf.status, "FAILED");
  const steps = [];
  const report = lib.verifyDocument(ofd, trust, { ...ofdOptions, onProgress: (p) => steps.push(p) });
  assert.equal(report.status, "PASSED");
  assert.deepEqual(steps.at(-1), { step: "signature", done: 1, total: 1 });
  // Revocation required and no CRL: INDETERMINATE, or PASSED with the check at WARN.
  const required = { ...ofdOptions, revocationRequired: true };
  assert.equal(lib.verifyDocument(ofd, trust, required).reason, "RevocationUnknown");
  const warned = lib.verifyDocument(ofd, trust, { ...required, policy: { levels: { "x509.revocation": "WARN" } } });
  assert.equal(warned.status, "PASSED", warned.summary);
  assert.throws(
    () => lib.verifyDocument(ofd, trust, { kind: "docx" }),
    (e) => e instanceof lib.InvalidArgumentError && e.code === "InvalidOption" && /docx.*ofd, pdf/.test(e.message),
  );
  assert.throws(() => lib.verifyOfd(ofd, trust, { kind: "ofd" }), (e) => e.code === "InvalidOption", "kind is verifyDocument's");
});

test("a CMS signature with attached content and a seal are told apart", () => {
  const trust = new lib.TrustStore();
  trust.addPem(text("test-vectors/cms/pki/root.pem"));
  const cms = lib.verifyDocument(read("test-vectors/cms/rsa-ber-attached.der"), trust, { at: "2026-12-01T00:00:00Z", revocationRequired: false });
  assert.equal(cms.kind, "cms-signature");
  assert.equal(cms.status, "PASSED", cms.summary);
  const seal = lib.verifyDocument(read("test-vectors/seal/v4.esl"), new lib.TrustStore(), { revocationRequired: false });
  assert.equal(seal.kind, "seal");
});

test("input of no known kind is an INDETERMINATE report, not an error", () => {
  for (const input of [new Uint8Array(0), new TextEncoder().encode("just text"), new Uint8Array([0x30, 3, 2, 1, 0])]) {
    const report = lib.verifyDocument(input, new lib.TrustStore());
    assert.equal(report.kind, "unknown");
    assert.equal(report.status, "INDETERMINATE");
    assert.equal(report.checks[0].reason, "Unsupported");
  }
  for (const wrong of ["notice.ofd", new Blob([ofd]), 3, null]) {
    assert.throws(() => lib.verifyDocument(wrong, new lib.TrustStore()), (e) => e instanceof lib.InvalidArgumentError && e.code === "InvalidArgument");
  }
});

test("the entry exports every function of the module, the runner only as yinjian/test-vectors", async () => {
  const dts = readFileSync(new URL("../../pkg-node/yinjian_wasm.d.ts", import.meta.url), "utf8");
  const declared = [...dts.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
  assert.ok(declared.includes("verifyDocument"));
  const missing = declared.filter((name) => typeof lib[name] !== "function");
  assert.deepEqual(missing, [], "functions the module has and the entry does not export");
  assert.equal("runVector" in lib, false);
  assert.equal(declared.includes("runVector"), false, "the runner's types are test-vectors.d.ts's");
  const vectors = await import("../../pkg-node/test-vectors.mjs");
  assert.equal(typeof vectors.runVector, "function");
  assert.throws(() => vectors.runVector('{"id":"x","op":"sm3","msg_ascii":"abc","digest_hex":"00"}'), (e) => e instanceof lib.YinjianError && e.code === "VectorMismatch");
});
