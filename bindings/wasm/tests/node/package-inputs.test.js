// What the npm package accepts and how it refuses the rest: bytes as a Uint8Array, an
// ArrayBuffer (what `await file.arrayBuffer()` gives) or any other ArrayBufferView (DataView,
// other typed arrays: the bytes they view); anything else, a wrong trust argument, or a call
// before init() is a YinjianError with a stable code, never a silently empty input.
// pkg-node/index.mjs (node: nothing to initialise) and pkg-web/index.js (browsers: init()
// first), loaded here by hand as the verify-only test does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const lib = await import("../../pkg-node/index.mjs");
const repo = fileURLToPath(new URL("../../../..", import.meta.url));
const text = (path) => readFileSync(join(repo, path), "utf8");
const ABC_SM3 = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";

/** Asserts that `call` throws an InvalidArgumentError with code InvalidArgument. */
function invalidArgument(call, what) {
  assert.throws(call, (e) => {
    assert.ok(e instanceof lib.InvalidArgumentError && e instanceof lib.YinjianError, `${what}: ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.code, "InvalidArgument", what);
    assert.ok(e.message.length > 0, what);
    return true;
  });
}

test("bytes: Uint8Array, ArrayBuffer, DataView and other typed arrays give the same bytes", () => {
  const abc = new TextEncoder().encode("abc");
  // "abc" inside a larger buffer: a view gives only the bytes it views.
  const big = new Uint8Array([0xff, 0xfe, ...abc, 0xfd]);
  const inputs = {
    Uint8Array: abc,
    ArrayBuffer: abc.slice().buffer,
    "Uint8Array over part of a buffer": big.subarray(2, 5),
    DataView: new DataView(big.buffer, 2, 3),
    Int8Array: new Int8Array(big.buffer, 2, 3),
    Uint8ClampedArray: new Uint8ClampedArray(big.buffer, 2, 3),
    Buffer: Buffer.from("abc"),
  };
  for (const [name, input] of Object.entries(inputs)) {
    assert.equal(lib.sm3Hex(input), ABC_SM3, name);
    assert.equal(Buffer.from(lib.sm3(input)).toString("hex"), ABC_SM3, name);
  }
  const stream = new lib.Sm3();
  stream.update(new DataView(big.buffer, 2, 1));
  stream.update(abc.slice(1).buffer);
  assert.equal(stream.hexDigest(), ABC_SM3, "Sm3.update with a DataView and an ArrayBuffer");
  // The empty input is still the empty input.
  assert.equal(lib.sm3Hex(new ArrayBuffer(0)), lib.sm3Hex(new Uint8Array(0)));
  assert.notEqual(lib.sm3Hex(abc.slice().buffer), lib.sm3Hex(new Uint8Array(0)), "an ArrayBuffer is not read as zero bytes");
});

test("an OFD given as an ArrayBuffer verifies as its Uint8Array does", () => {
  const file = readFileSync(join(repo, "test-vectors/sample/notice.ofd"));
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  const trust = new lib.TrustStore();
  assert.equal(trust.addPem(text("test-vectors/x509/sm2/certs/root.pem")), 1);
  const options = { at: "2026-06-01T00:00:00Z", revocationRequired: false, intermediates: [text("test-vectors/x509/sm2/certs/int.pem")] };
  const fromBuffer = lib.verifyOfd(buffer, trust, options);
  assert.equal(fromBuffer.status, "PASSED", fromBuffer.summary);
  assert.deepEqual(fromBuffer, lib.verifyOfd(new Uint8Array(file), trust, options));
  assert.equal(lib.verifyOfd(new DataView(buffer), trust, options).status, "PASSED");
});

test("anything else where bytes are expected is an InvalidArgumentError", () => {
  const wrong = [
    ["string", "abc"],
    ["number", 3],
    ["Blob", new Blob(["abc"])],
    ["array of numbers", [97, 98, 99]],
    ["plain object", {}],
    ["null", null],
    ["undefined", undefined],
  ];
  for (const [name, input] of wrong) {
    invalidArgument(() => lib.sm3Hex(input), `sm3Hex(${name})`);
    invalidArgument(() => lib.sm3(input), `sm3(${name})`);
    invalidArgument(() => new lib.Sm3().update(input), `Sm3.update(${name})`);
    invalidArgument(() => lib.verifyOfd(input, new lib.TrustStore()), `verifyOfd(${name})`);
    invalidArgument(() => lib.verifyPdf(input, new lib.TrustStore()), `verifyPdf(${name})`);
    invalidArgument(() => lib.verifyLicenceFile(input, new lib.TrustStore()), `verifyLicenceFile(${name})`);
    invalidArgument(() => lib.verifyDocument(input, new lib.TrustStore()), `verifyDocument(${name})`);
    invalidArgument(() => lib.verifyInvoice(input, new lib.TrustStore()), `verifyInvoice(${name})`);
    invalidArgument(() => lib.parseSeal(input), `parseSeal(${name})`);
    invalidArgument(() => lib.sealPictures(input), `sealPictures(${name})`);
    invalidArgument(() => lib.sm2Verify(text("test-vectors/sample/signer.pub.pem"), input, new Uint8Array(64)), `sm2Verify message ${name}`);
  }
  // The message names what it got.
  assert.throws(() => lib.sm3Hex(new Blob(["abc"])), (e) => /Blob/.test(e.message));
  // Keys may be text, or bytes in any of the same forms; a number is neither.
  invalidArgument(() => lib.sm2Verify(3, new Uint8Array(3), new Uint8Array(64)), "sm2Verify key 3");
  const pem = new TextEncoder().encode(text("test-vectors/sample/signer.pub.pem"));
  const report = lib.sm2Verify(pem.slice().buffer, new TextEncoder().encode("x"), new Uint8Array(64));
  assert.equal(report.status, "FAILED", "a key as an ArrayBuffer is read (and the zero signature fails)");
});

test("a trust argument that is not a TrustStore is an InvalidArgumentError", () => {
  const file = new Uint8Array(readFileSync(join(repo, "test-vectors/sample/notice.ofd")));
  for (const [name, trust] of [["PEM text", text("test-vectors/x509/sm2/certs/root.pem")], ["undefined", undefined], ["null", null], ["plain object", {}]]) {
    invalidArgument(() => lib.verifyOfd(file, trust), `verifyOfd trust ${name}`);
  }
});

test("browsers' entry: a coded error before init(), and when loading fails", async () => {
  const web = await import("../../pkg-web/index.js");
  const notInitialised = (e) => e instanceof web.YinjianError && e.code === "NotInitialised" && /init\(\)|loaded/.test(e.message);
  assert.throws(() => web.sm3Hex(new Uint8Array(3)), notInitialised);
  assert.throws(() => new web.TrustStore(), notInitialised);
  // Loading bad bytes fails with a YinjianError, and leaves the module not initialised.
  await assert.rejects(web.default({ module_or_path: new Uint8Array([0, 1, 2]) }), notInitialised);
  assert.throws(() => web.initSync({ module: new Uint8Array([0, 1, 2]) }), notInitialised);
  assert.throws(() => web.sm3Hex(new Uint8Array(3)), notInitialised);
  web.initSync({ module: readFileSync(join(repo, "bindings/wasm/pkg-web/yinjian_wasm_bg.wasm")) });
  assert.equal(web.sm3Hex(new TextEncoder().encode("abc")), ABC_SM3);
  assert.equal(new web.TrustStore().size, 0);
  assert.throws(() => web.sm3Hex("abc"), (e) => e instanceof web.InvalidArgumentError && e.code === "InvalidArgument");
});
