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
  assert.equal(lib.verifyToken(theirs, jwks, { ...verifyOptions("SM2SM3"), algorithms: ["SM3withSM2"] }).reason, "PolicyViolation");
});

test("the allow-list is required and none is never accepted", () => {
  const none = `${b64url(JSON.stringify({ alg: "none" }))}.${b64url(JSON.stringify(claims))}.`;
  assert.equal(lib.verifyToken(none, { keys: [] }, verifyOptions("ES256")).reason, "PolicyViolation");
  assert.throws(() => lib.verifyToken(none, { keys: [] }, {}), (e) => e.code === "InvalidOption");
});

test("an unknown algorithm name is an error that names it, not a shorter allow-list", () => {
  const options = { ...verifyOptions("SM2SM3"), algorithms: ["SM2-SM3", "ES256"] };
  assert.throws(
    () => lib.verifyToken("a.b.c", { keys: [] }, options),
    (e) => e.code === "InvalidArgument" && e.message.includes('"SM2-SM3"') && e.message.includes("SM2SM3, ES256"),
  );
});

test("issuer and audience are explicit decisions", async () => {
  const { privateKey, publicKey } = await jose.generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: "k" };
  const sign = (body) => new jose.SignJWT(body).setProtectedHeader({ alg: "ES256", kid: "k" }).sign(privateKey);
  const forA = await sign({ ...claims, aud: "svc-a" });
  const jwks = { keys: [jwk] };
  const base = { algorithms: ["ES256"] };
  // No issuer decision: a coded error, not an unchecked issuer.
  assert.throws(() => lib.verifyToken(forA, jwks, base), (e) => e.code === "InvalidOption" && /anyIssuer/.test(e.message));
  assert.throws(() => lib.verifyToken(forA, jwks, { ...base, issuers: [claims.iss], anyIssuer: true }), (e) => e.code === "InvalidOption");
  // Issued for service A: refused at service B, and where no audience is named.
  assert.equal(lib.verifyToken(forA, jwks, { ...base, issuers: [claims.iss], audience: "svc-b" }).reason, "PolicyViolation");
  const unnamed = lib.verifyToken(forA, jwks, { ...base, issuers: [claims.iss] });
  assert.equal(unnamed.status, "FAILED");
  assert.equal(unnamed.checks.find((c) => c.name === "token.aud").reason, "PolicyViolation");
  assert.equal(lib.verifyToken(forA, jwks, { ...base, issuers: [claims.iss], audience: ["svc-b", "svc-a"] }).status, "PASSED");
  // "Any", chosen explicitly, passes and is recorded in the report.
  const any = lib.verifyToken(forA, jwks, { ...base, anyIssuer: true, anyAudience: true });
  assert.equal(any.status, "PASSED", any.summary);
  for (const name of ["token.iss", "token.aud"]) {
    const check = any.checks.find((c) => c.name === name);
    assert.deepEqual([check.details.accepted, check.details.checked], ["any", false], name);
  }
});
