// Interop with the JavaScript libraries portals use: tokens made by `jose` verify in yinjian
// (its JWKS given to yinjian), yinjian's verify in `jose`; SM2 tokens cross-checked with
// `sm-crypto` at the signature level, both ways.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import * as jose from "jose";

const require = createRequire(import.meta.url);
const lib = require("../../pkg-node/yinjian_wasm.js");
const { sm2 } = require("sm-crypto");

const now = Math.floor(Date.now() / 1000);
const claims = { iss: "https://id.example.gov.cn", sub: "user-1", aud: "svc-a", iat: now - 10, exp: now + 600 };
const verifyOptions = (alg) => ({ algorithms: [alg], issuers: [claims.iss], audience: "svc-a", requireSub: true });
const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

for (const alg of ["ES256", "ES384", "RS256", "PS256", "EdDSA"]) {
  test(`jose ${alg} token verifies in yinjian, and yinjian's ${alg} token verifies in jose`, async () => {
    const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true, crv: alg === "EdDSA" ? "Ed25519" : undefined });
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: `k-${alg}`, alg };
    const jwks = { keys: [jwk] };
    const token = await new jose.SignJWT(claims).setProtectedHeader({ alg, kid: jwk.kid, typ: "JWT" }).sign(privateKey);
    const report = lib.verifyToken(token, jwks, verifyOptions(alg));
    assert.equal(report.status, "PASSED", report.summary);
    // a changed payload fails
    const [h, , s] = token.split(".");
    const forged = `${h}.${b64url(JSON.stringify({ ...claims, sub: "admin" }))}.${s}`;
    assert.equal(lib.verifyToken(forged, jwks, verifyOptions(alg)).reason, "BadSignature");

    // yinjian signs with the same key (PKCS#8), jose verifies with the JWKS.
    const pkcs8 = await jose.exportPKCS8(privateKey);
    const ours = lib.signToken(claims, pkcs8, { alg, kid: jwk.kid });
    // ... and jose verifies with the JWKS yinjian exports for that key.
    const ourJwks = { keys: [lib.publicJwk(await jose.exportSPKI(publicKey), jwk.kid)] };
    const { payload, protectedHeader } = await jose.jwtVerify(ours, jose.createLocalJWKSet(ourJwks), {
      issuer: claims.iss,
      audience: "svc-a",
      algorithms: [alg],
    });
    assert.equal(protectedHeader.alg, alg);
    assert.equal(payload.sub, "user-1");
  });
}

test("SM2SM3 tokens: yinjian's signature verifies in sm-crypto, sm-crypto's in yinjian", () => {
  const priv = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
  const pub = sm2.getPublicKeyFromPrivateKey(priv); // "04" || x || y, hex
  const jwk = { kty: "EC", crv: "SM2", kid: "sm2-1", x: b64url(Buffer.from(pub.slice(2, 66), "hex")), y: b64url(Buffer.from(pub.slice(66), "hex")) };
  const jwks = { keys: [jwk] };

  const ours = lib.signToken(claims, priv, { kid: "sm2-1" });
  const [h, p, s] = ours.split(".");
  assert.equal(JSON.parse(Buffer.from(h, "base64url")).alg, "SM2SM3");
  const sigHex = Buffer.from(s, "base64url").toString("hex");
  assert.ok(sm2.doVerifySignature(`${h}.${p}`, sigHex, pub, { hash: true, der: false }), "sm-crypto verifies yinjian's SM2 signature");
  assert.equal(lib.verifyToken(ours, jwks, verifyOptions("SM2SM3")).status, "PASSED");

  const header = b64url(JSON.stringify({ alg: "SM2SM3", kid: "sm2-1", typ: "JWT" }));
  const body = b64url(JSON.stringify(claims));
  const theirs = `${header}.${body}.${b64url(Buffer.from(sm2.doSignature(`${header}.${body}`, priv, { hash: true, der: false }), "hex"))}`;
  const report = lib.verifyToken(theirs, jwks, verifyOptions("SM2SM3"));
  assert.equal(report.status, "PASSED", report.summary);
  // An alias is accepted only when the allow-list names it.
  assert.equal(lib.verifyToken(theirs, jwks, { algorithms: ["SM3withSM2"] }).reason, "PolicyViolation");
});

test("the allow-list is required and none is never accepted", () => {
  const none = `${b64url(JSON.stringify({ alg: "none" }))}.${b64url(JSON.stringify(claims))}.`;
  assert.equal(lib.verifyToken(none, { keys: [] }, { algorithms: ["ES256"] }).reason, "PolicyViolation");
  assert.throws(() => lib.verifyToken(none, { keys: [] }, {}), (e) => e.code === "InvalidOption");
});
