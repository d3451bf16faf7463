// The npm package's own surface (pkg-node/index.mjs, what `import "yinjian"` gives in node):
// errors as YinjianError subclasses with stable codes, the TrustStore class, progress
// callbacks, verifyLicenceFile, sealPictures, build features, and the verify-only build
// (pkg-verify, when scripts/build-wasm --verify-only has made it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

// The test-vector runner is the subpath `yinjian/test-vectors`, not in the default entry.
const lib = { ...(await import("../../pkg-node/index.mjs")), ...(await import("../../pkg-node/test-vectors.mjs")) };
const repo = fileURLToPath(new URL("../../../..", import.meta.url));
const read = (path) => new Uint8Array(readFileSync(join(repo, path)));
const text = (path) => readFileSync(join(repo, path), "utf8");
const AT = "2026-06-01T00:00:00Z";

function sampleTrust() {
  const trust = new lib.TrustStore();
  assert.equal(trust.addPem(text("test-vectors/x509/sm2/certs/root.pem")), 1);
  return trust;
}
const sampleOptions = () => ({ at: AT, revocationRequired: false, intermediates: [text("test-vectors/x509/sm2/certs/int.pem")] });

test("errors are YinjianError subclasses with stable codes", () => {
  const cases = [
    [() => lib.sm2Verify("not a key", new Uint8Array(), new Uint8Array()), lib.MalformedInputError, "MalformedKey"],
    [() => lib.verifyOfd(new Uint8Array(), new lib.TrustStore(), { nope: 1 }), lib.InvalidArgumentError, "InvalidOption"],
    [() => lib.verifyOfd(new Uint8Array(), new lib.TrustStore(), { onProgress: 3 }), lib.InvalidArgumentError, "InvalidOption"],
    [() => new lib.TrustStore().addPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), lib.MalformedInputError, "MalformedCertificate"],
    [() => lib.runVector('{"id":"x","op":"sm3","msg_ascii":"abc","digest_hex":"00"}'), lib.YinjianError, "VectorMismatch"],
  ];
  for (const [call, Class, code] of cases) {
    assert.throws(call, (e) => {
      assert.ok(e instanceof Class, `${code}: ${e && e.constructor && e.constructor.name}`);
      assert.ok(e instanceof lib.YinjianError && e instanceof Error);
      assert.equal(e.code, code);
      assert.equal(e.name, Class.name);
      assert.ok(e.message.length > 0);
      return true;
    });
  }
});

test("verifyOfd reports progress per signature; a throwing callback does not stop it", () => {
  const trust = sampleTrust();
  const seen = [];
  const report = lib.verifyOfd(read("test-vectors/ofd/sealed-twice.ofd"), trust, {
    ...sampleOptions(),
    onProgress: (p) => seen.push(p),
  });
  assert.equal(report.parts.length, 2);
  assert.deepEqual(seen, [
    { step: "signature", done: 0, total: 2 },
    { step: "signature", done: 1, total: 2 },
    { step: "signature", done: 2, total: 2 },
  ]);
  const again = lib.verifyOfd(read("test-vectors/sample/notice.ofd"), trust, {
    ...sampleOptions(),
    onProgress: () => {
      throw new Error("the page's bug");
    },
  });
  assert.equal(again.status, "PASSED");
});

test("sealPictures: the seal picture behind each signature, in report order", () => {
  const pictures = lib.sealPictures(read("test-vectors/sample/notice.ofd"));
  assert.equal(pictures.length, 1);
  const [p] = pictures;
  assert.equal(p.index, 0);
  assert.equal(p.picture_type, "png");
  assert.ok(p.data instanceof Uint8Array);
  assert.deepEqual(Array.from(p.data.subarray(0, 4)), [0x89, 0x50, 0x4e, 0x47], "PNG magic");
  assert.equal(p.seal, lib.verifyOfd(read("test-vectors/sample/notice.ofd"), sampleTrust(), sampleOptions()).parts[0].subject.seal);
  // CMS signatures in a PDF have no seal: one null per signature.
  assert.deepEqual(lib.sealPictures(read("test-vectors/pdf/sm2-then-ecdsa.pdf")), [null, null]);
  assert.deepEqual(lib.sealPictures(read("test-vectors/pdf/unsigned.pdf")), []);
  assert.throws(() => lib.sealPictures(new Uint8Array([1, 2, 3])), (e) => e.code === "MalformedSeal");
});

test("verifyLicenceFile: a document without licence metadata is not a valid licence", () => {
  const report = lib.verifyLicenceFile(read("test-vectors/sample/notice.ofd"), sampleTrust(), { ...sampleOptions(), revoked: [] });
  assert.equal(report.kind, "licence-file");
  assert.notEqual(report.status, "PASSED");
  assert.ok(report.checks.some((c) => c.status !== "PASSED"), "a failing check says why");
});

test("batchRecord: the line yinjian batch writes, the kind told by the first bytes", () => {
  const options = { ...sampleOptions(), at: "2027-06-01T00:00:00Z" };
  const good = lib.batchRecord("a/good.ofd", read("test-vectors/invoice/good.ofd"), sampleTrust(), options);
  assert.deepEqual([good.path, good.kind, good.status, good.reason], ["a/good.ofd", "invoice", "PASSED", undefined]);
  assert.equal(good.report.kind, "invoice");
  assert.equal(good.report.parts[0].kind, "ofd");
  assert.deepEqual(Object.keys(good), ["path", "kind", "status", "invoice", "report"]);
  assert.equal(good.invoice.key, "044031900111/12345678");
  const notice = lib.batchRecord("notice.ofd", read("test-vectors/sample/notice.ofd"), sampleTrust(), options);
  assert.deepEqual([notice.kind, notice.invoice], ["ofd", undefined]);
  const junk = lib.batchRecord("x.zip!notes.txt", new TextEncoder().encode("hello"), sampleTrust(), options);
  assert.deepEqual([junk.kind, junk.status, junk.reason], ["unknown", "INDETERMINATE", "Unsupported"]);
  assert.equal(junk.report.checks[0].name, "input.kind");
});

test("verifyInvoice: a generated invoice passes with its fields; one whose page shows another amount fails", () => {
  const options = { ...sampleOptions(), at: "2027-06-01T00:00:00Z" };
  const good = lib.verifyInvoice(read("test-vectors/invoice/good.ofd"), sampleTrust(), options);
  assert.equal(good.kind, "invoice");
  assert.equal(good.status, "PASSED");
  const data = good.checks.find((c) => c.name === "invoice.data");
  assert.equal(data.details.invoice.number, "12345678");
  assert.equal(data.details.invoice.total_including_tax, "515.00");
  const bad = lib.verifyInvoice(read("test-vectors/invoice/amount-page-only.ofd"), sampleTrust(), options);
  const shown = bad.checks.find((c) => c.name === "invoice.shown");
  assert.equal(shown.status, "FAILED");
  assert.equal(shown.reason, "PolicyViolation");
});

test("a TrustStore holds JWKS keys too: built once, reused for tokens", () => {
  const simple = (c) => c.expect === "PASSED" && !c.hmac_secrets && Object.keys(c.options).every((k) => ["at", "algorithms", "issuers", "audience", "leeway"].includes(k));
  const c = text("test-vectors/token/tokens.jsonl")
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l))
    .find(simple);
  assert.ok(c, "a passing token case");
  const trust = new lib.TrustStore();
  assert.ok(trust.addJwks(c.jwks) >= 1);
  assert.equal(lib.verifyTokenWithTrust(c.token, null, trust, c.options).status, "PASSED");
  assert.equal(lib.verifyTokenWithTrust(c.token, null, new lib.TrustStore(), c.options).status, "INDETERMINATE", "no key to check it with");
  assert.equal(lib.verifyToken(c.token, c.jwks, c.options).status, "PASSED", "the same as with the JWKS given");
  assert.throws(() => trust.addJwks("{"), (e) => e instanceof lib.MalformedInputError);
});

test("buildFeatures of the test build", () => {
  assert.deepEqual(lib.buildFeatures(), { sign: true, vectors: true, qrImage: true, qrMake: true });
});

const verifyOnly = join(repo, "bindings/wasm/pkg-verify/index.js");
test("the verify-only build verifies, and has no signing", { skip: !existsSync(verifyOnly) && "no pkg-verify (scripts/build-wasm --verify-only)" }, async () => {
  const v = await import(verifyOnly);
  v.initSync({ module: readFileSync(join(repo, "bindings/wasm/pkg-verify/yinjian_wasm_bg.wasm")) });
  assert.deepEqual(v.buildFeatures(), { sign: false, vectors: false, qrImage: false, qrMake: false });
  const trust = new v.TrustStore();
  trust.addPem(text("test-vectors/x509/sm2/certs/root.pem"));
  assert.equal(v.verifyOfd(read("test-vectors/sample/notice.ofd"), trust, sampleOptions()).status, "PASSED");
  assert.throws(() => v.sm2Sign("00", new Uint8Array()), (e) => e instanceof v.UnsupportedError && e.code === "Unsupported");
});
