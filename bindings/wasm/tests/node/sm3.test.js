// node --test bindings/wasm/tests/node/sm3.test.js  (after scripts/build-wasm)
// The WASM build's SM3 (its own compression on wasm32, core/src/sm/sm3/wasm.rs, with the
// message expansion in simd128 vectors) against an independent SM3 in the same process: node's
// OpenSSL (`crypto.createHash("sm3")`) where node has it, else sm-crypto. One-shot `sm3` and the
// streaming `Sm3` for every length 0..=300, random lengths up to 1 MiB fed in pieces cut at
// random points, and the GB/T 32905 examples.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, getHashes } from "node:crypto";
import { createRequire } from "node:module";

const lib = await import("../../pkg-node/index.mjs");
const require = createRequire(import.meta.url);
const reference = getHashes().includes("sm3")
  ? { name: "node's OpenSSL", hex: (bytes) => createHash("sm3").update(bytes).digest("hex") }
  : { name: "sm-crypto", hex: (bytes) => require("sm-crypto").sm3(bytes) };

/** Bytes from a small xorshift generator (deterministic). */
function generator(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const hex = (bytes) => Buffer.from(bytes).toString("hex");

test("SM3: the GB/T 32905 examples, one-shot and byte by byte", () => {
  const examples = [
    ["abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"],
    ["abcd".repeat(16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"],
  ];
  for (const [text, digest] of examples) {
    const bytes = new TextEncoder().encode(text);
    assert.equal(lib.sm3Hex(bytes), digest);
    assert.equal(hex(lib.sm3(bytes)), digest);
    const stream = new lib.Sm3();
    for (const b of bytes) stream.update(Uint8Array.of(b));
    assert.equal(stream.hexDigest(), digest);
    assert.equal(reference.hex(bytes), digest, reference.name);
  }
});

test(`SM3: every length 0..=300 equals ${reference.name}`, () => {
  const next = generator(0x5eed);
  const data = new Uint8Array(300).map(() => next() & 0xff);
  for (let len = 0; len <= 300; len++) {
    const message = data.subarray(0, len);
    const want = reference.hex(message);
    assert.equal(lib.sm3Hex(message), want, `length ${len}`);
    // The same message streamed in two pieces, cut where the length says.
    const stream = new lib.Sm3();
    stream.update(message.subarray(0, len >> 1));
    stream.update(message.subarray(len >> 1));
    assert.equal(stream.hexDigest(), want, `length ${len}, in two pieces`);
  }
});

test(`SM3: random lengths up to 1 MiB, one-shot and in random pieces, equal ${reference.name}`, () => {
  const next = generator(0x0f5e3);
  const data = new Uint8Array((1 << 20) + 64).map(() => next() & 0xff);
  for (let round = 0; round < 24; round++) {
    const len = next() % (1 << 20);
    const start = next() % 64;
    const message = data.subarray(start, start + len);
    const want = reference.hex(message);
    assert.equal(lib.sm3Hex(message), want, `length ${len}`);
    const stream = new lib.Sm3();
    for (let at = 0; at < len; ) {
      const kind = next() % 4;
      const step = kind === 0 ? next() % 3 : kind === 1 ? next() % 130 : next() % 70000;
      const end = Math.min(at + step, len);
      stream.update(message.subarray(at, end));
      at = end;
    }
    assert.equal(stream.hexDigest(), want, `length ${len}, in pieces`);
    // Digests do not end the stream: more data after one.
    stream.update(new TextEncoder().encode("more"));
    const longer = new Uint8Array(len + 4);
    longer.set(message);
    longer.set(new TextEncoder().encode("more"), len);
    assert.equal(stream.hexDigest(), reference.hex(longer), `length ${len} + 4`);
  }
});
