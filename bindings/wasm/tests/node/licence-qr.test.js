// node --test bindings/wasm/tests/node/licence-qr.test.js  (after scripts/build-wasm; the
// ImageData and SVG parts need the build with --features qr-image,qr-make, which
// scripts/test-wasm makes, and are skipped otherwise).
// Licence QR codes through the WASM binding: make → verify round trips, a PNG read as
// ImageData, and negative cases each with its own reason.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { readGreyPng } from "../shared/png.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const dir = join(here, "..", "..", "..", "..", "test-vectors", "licence");
const lib = createRequire(import.meta.url)("../../pkg-node/yinjian_wasm.js");
const read = (name) => readFileSync(join(dir, name), "utf8");
const issuer = read("issuer.pem");
const other = read("other.pem");
const data = JSON.parse(read("business-licence.json"));
const at = "2027-06-01T00:00:00Z";
const features = lib.licenceQrFeatures();

/** RGBA pixels of an 8-bit greyscale, non-interlaced PNG (what `yinjian qr make` writes). */
function pngToImageData(bytes) {
  const { width, height, data: grey } = readGreyPng(bytes);
  const rgba = new Uint8ClampedArray(width * height * 4);
  grey.forEach((g, i) => rgba.set([g, g, g, 255], i * 4));
  return { data: rgba, width, height };
}

test("licence QR: make then verify, from data object and from metadata XML", () => {
  const text = lib.makeLicenceQr(data, read("issuer.key.pem"), {
    certificate: issuer, iat: "2027-05-01T00:00:00Z", exp: "2028-05-01T00:00:00Z",
  });
  assert.ok(text.startsWith("YJ1:"));
  const report = lib.verifyLicenceQr(text, issuer, { at });
  assert.equal(report.status, "PASSED", report.summary);
  assert.equal(report.kind, "licence-qr");
  const claims = report.checks.find((c) => c.name === "qr.claims");
  assert.equal(claims.details.licence.holderName, data.holderName);
  assert.equal(claims.details.licence.licenceId, data.licenceId);
  const fromXml = lib.makeLicenceQr(read("business-licence-metadata.xml"), read("issuer.key.pem"), {
    certificate: issuer, iat: "2027-05-01T00:00:00Z", exp: "2028-05-01T00:00:00Z", compress: false,
  });
  assert.equal(lib.verifyLicenceQr(fromXml, [other, issuer], { at }).status, "PASSED");
});

test("licence QR: the committed sample code verifies, and each negative has its reason", () => {
  const text = read("sample-code.txt").trim();
  assert.equal(lib.verifyLicenceQr(text, issuer, { at }).status, "PASSED");
  const cases = [
    [lib.verifyLicenceQr(text, other, { at }), "INDETERMINATE", "UntrustedChain"],
    [lib.verifyLicenceQr(text, issuer, { at: "2029-01-01T00:00:00Z" }), "FAILED", "Expired"],
    [lib.verifyLicenceQr(text, issuer, { at: "2027-01-01T00:00:00Z" }), "FAILED", "NotYetValid"],
    [lib.verifyLicenceQr(text, issuer, { at, revoked: [data.licenceId] }), "FAILED", "Revoked"],
    [lib.verifyLicenceQr(text, issuer, { at, algorithms: ["ES256"] }), "FAILED", "PolicyViolation"],
    [lib.verifyLicenceQr("https://www.gsxt.gov.cn/index.html?uniscid=91430100MA4L1234XL", issuer, { at }), "INDETERMINATE", "NoSignature"],
    [lib.verifyLicenceQr("YJ1:abc", issuer, { at }), "FAILED", "Malformed"],
  ];
  for (const [report, status, reason] of cases) {
    assert.equal(report.status, status, report.summary);
    assert.equal(report.reason, reason, report.summary);
  }
  // A character changed: never PASSED.
  const i = Math.floor(text.length / 2);
  const tampered = text.slice(0, i) + (text[i] === "A" ? "B" : "A") + text.slice(i + 1);
  assert.equal(lib.verifyLicenceQr(tampered, issuer, { at }).status, "FAILED");
  assert.throws(() => lib.verifyLicenceQr(text, issuer, { bogus: 1 }), (e) => e.code === "InvalidOption");
  assert.throws(() => lib.verifyLicenceQr(text, "not a certificate", { at }), (e) => e.code === "MalformedCertificate");
});

test("licence QR: ImageData of the sample PNG is read and verified", (t) => {
  const image = pngToImageData(readFileSync(join(dir, "sample-code.png")));
  if (!features.image) {
    assert.throws(() => lib.verifyLicenceQr(image, issuer, { at }), (e) => e.code === "Unsupported");
    t.skip("this build has no qr-image feature");
    return;
  }
  const report = lib.verifyLicenceQr(image, issuer, { at });
  assert.equal(report.status, "PASSED", report.summary);
  assert.equal(report.checks[0].name, "qr.image");
  const blank = { data: new Uint8ClampedArray(64 * 64 * 4).fill(255), width: 64, height: 64 };
  const none = lib.verifyLicenceQr(blank, issuer, { at });
  assert.equal(none.reason, "Missing", none.summary);
  // Pixels that do not match the dimensions: a failed qr.image check, not a throw.
  const short = lib.verifyLicenceQr({ data: new Uint8Array(3), width: 2, height: 2 }, issuer, { at });
  assert.equal(short.checks[0].name, "qr.image");
  assert.notEqual(short.status, "PASSED");
  assert.throws(() => lib.verifyLicenceQr({ data: "x", width: 2, height: 2 }, issuer, { at }), (e) => e.code === "InvalidArgument");
});

test("licence QR: SVG output", (t) => {
  const opts = { certificate: issuer, iat: "2027-05-01T00:00:00Z", exp: "2028-05-01T00:00:00Z", format: "svg" };
  if (!features.render) {
    assert.throws(() => lib.makeLicenceQr(data, read("issuer.key.pem"), opts), (e) => e.code === "Unsupported");
    t.skip("this build has no qr-make feature");
    return;
  }
  const svg = lib.makeLicenceQr(data, read("issuer.key.pem"), opts);
  assert.ok(svg.includes("<svg"), svg.slice(0, 80));
});
