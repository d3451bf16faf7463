// Generates test-vectors/token/tokens.jsonl and test-vectors/token/README.md (JOSE/JWT verifier
// cases). Run through ../gen-token.sh. The output is written once: when tokens.jsonl exists the
// script stops unless --force is given (ECDSA, PS256 and SM2 signatures are randomized, so a rerun
// gives different bytes with the same outcomes).
//
// Keys: the SM2 key is fixed (the GB/T 32918 example private key); the other keys are generated on
// the first run and kept in keys.json next to this script (test keys only, no secrets of value).
//
// Every case is checked before anything is written:
//   * each line is JSON and round-trips;
//   * each PASSED token verifies with jose.compactVerify (SM2 tokens: sm-crypto doVerifySignature,
//     and OpenSSL `pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678`);
//   * each case meant to carry a valid signature (everything that fails after token.signature, and
//     the hand-built format/header/key cases) has that signature verified with node crypto;
//   * a small model of the claim checks (exp, nbf, iat, max-age, iss, aud, sub, nonce, azp,
//     auth-time, at-hash, c-hash) run over every decodable payload must report exactly the
//     case's failing_check (or nothing for PASSED and for cases decided before the claims);
//   * jose.jwtVerify agrees with PASSED/FAILED for the claim checks jose has, except at the
//     exp edge, where jose treats exp == at - leeway as expired (documented in README).
import * as jose from 'jose';
import smcrypto from 'sm-crypto';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const { sm2, sm3 } = smcrypto;
const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(here, '../../token');
const outFile = path.join(outDir, 'tokens.jsonl');
const readmeFile = path.join(outDir, 'README.md');
const force = process.argv.includes('--force');
if (fs.existsSync(outFile) && !force) {
  console.log(`${path.relative(process.cwd(), outFile)} exists; not regenerating (use --force)`);
  process.exit(0);
}
const joseVersion = JSON.parse(fs.readFileSync(path.join(here, 'node_modules/jose/package.json'))).version;
const smVersion = JSON.parse(fs.readFileSync(path.join(here, 'node_modules/sm-crypto/package.json'))).version;
const SRC_JOSE = `jose ${joseVersion} SignJWT (gen/token/gen.mjs)`;
const SRC_HAND = `hand-built by gen/token/gen.mjs, signed with node ${process.versions.node} crypto`;
const SRC_UNSIGNED = 'hand-built by gen/token/gen.mjs, unsigned';
const SRC_SM2 = `hand-built by gen/token/gen.mjs, signed with sm-crypto ${smVersion} sm2.doSignature (SM3, ID 1234567812345678)`;

// ---------------------------------------------------------------------------------------------
const b64u = (b) => Buffer.from(b).toString('base64url'); // no padding
const enc = (s) => b64u(Buffer.from(s, 'utf8'));
const unb64u = (s) => Buffer.from(s, 'base64url');
const AT = '2026-11-24T10:00:00Z';
const NOW = Date.parse(AT) / 1000;
const ISS = 'https://id.example.gov.cn';
const AUD = 'svc-a';
const SUB = 'user-1001';
const LEEWAY = 60;

// --- keys ------------------------------------------------------------------------------------
const keysFile = path.join(here, 'keys.json');
let priv;
if (fs.existsSync(keysFile)) {
  priv = JSON.parse(fs.readFileSync(keysFile, 'utf8'));
} else {
  const gen = async (alg, opts = {}) => {
    const { privateKey } = await jose.generateKeyPair(alg, { extractable: true, ...opts });
    return jose.exportJWK(privateKey);
  };
  priv = {
    'ec-p256-1': await gen('ES256'),
    'ec-p384-1': await gen('ES384'),
    'rsa-2048-1': await gen('RS256', { modulusLength: 2048 }),
    'ed25519-1': await gen('EdDSA', { crv: 'Ed25519' }),
    'attacker-p256': await gen('ES256'),
    'hs-1': { kty: 'oct', k: b64u(crypto.createHash('sha256').update('yinjian token test HS256 secret hs-1').digest()) },
  };
  fs.writeFileSync(keysFile, JSON.stringify(priv, null, 2) + '\n');
}
const SM2_D = '3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8'; // GB/T 32918 example key
const SM2_PUB = sm2.getPublicKeyFromPrivateKey(SM2_D); // 04 || x || y
if (SM2_PUB.length !== 130) throw new Error('SM2 public key length');
const sm2Jwk = {
  kty: 'EC', crv: 'SM2', kid: 'sm2-1', use: 'sig',
  x: b64u(Buffer.from(SM2_PUB.slice(2, 66), 'hex')), y: b64u(Buffer.from(SM2_PUB.slice(66), 'hex')),
};
const SM2_SPKI_PEM = (() => {
  const der = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200' + SM2_PUB, 'hex');
  return `-----BEGIN PUBLIC KEY-----\n${der.toString('base64').match(/.{1,64}/g).join('\n')}\n-----END PUBLIC KEY-----\n`;
})();

const pubJwk = (kid) => {
  if (kid === 'sm2-1') return { ...sm2Jwk };
  const { d, p, q, dp, dq, qi, ...pub } = priv[kid];
  return { ...pub, kid, use: 'sig' };
};
const JWKS = { keys: ['ec-p256-1', 'ec-p384-1', 'rsa-2048-1', 'ed25519-1', 'sm2-1'].map(pubJwk) };
const HS_SECRET = unb64u(priv['hs-1'].k);
const nodePriv = (kid) => crypto.createPrivateKey({ key: priv[kid], format: 'jwk' });
const nodePub = (kid) => crypto.createPublicKey({ key: pubJwk(kid), format: 'jwk' });
const RSA_SPKI_PEM = nodePub('rsa-2048-1').export({ type: 'spki', format: 'pem' });

// --- signing ---------------------------------------------------------------------------------
// key: a kid of priv/sm2-1, or {hmac: Buffer}
function sign(alg, key, input) {
  const data = Buffer.from(input, 'ascii');
  switch (alg) {
    case 'ES256': return crypto.sign('sha256', data, { key: nodePriv(key), dsaEncoding: 'ieee-p1363' });
    case 'ES384': return crypto.sign('sha384', data, { key: nodePriv(key), dsaEncoding: 'ieee-p1363' });
    case 'RS256': return crypto.sign('sha256', data, nodePriv(key));
    case 'PS256': return crypto.sign('sha256', data, { key: nodePriv(key), padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'EdDSA': return crypto.sign(null, data, nodePriv(key));
    case 'HS256': return crypto.createHmac('sha256', key.hmac ?? HS_SECRET).update(data).digest();
    case 'SM2SM3': case 'SM3withSM2': {
      const hex = sm2.doSignature(input, SM2_D, { hash: true, der: false });
      if (hex.length !== 128) throw new Error('sm2 sig length');
      return Buffer.from(hex, 'hex');
    }
    default: throw new Error('sign: ' + alg);
  }
}
function verifyRaw(alg, key, input, sig) {
  const data = Buffer.from(input, 'ascii');
  switch (alg) {
    case 'ES256': return crypto.verify('sha256', data, { key: nodePub(key), dsaEncoding: 'ieee-p1363' }, sig);
    case 'ES384': return crypto.verify('sha384', data, { key: nodePub(key), dsaEncoding: 'ieee-p1363' }, sig);
    case 'RS256': return crypto.verify('sha256', data, nodePub(key), sig);
    case 'PS256': return crypto.verify('sha256', data, { key: nodePub(key), padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
    case 'EdDSA': return crypto.verify(null, data, nodePub(key), sig);
    case 'HS256': return crypto.timingSafeEqual(crypto.createHmac('sha256', key.hmac ?? HS_SECRET).update(data).digest(), sig.length === 32 ? sig : Buffer.alloc(32));
    case 'SM2SM3': case 'SM3withSM2': return sm2.doVerifySignature(input, sig.toString('hex'), SM2_PUB, { hash: true, der: false });
    default: throw new Error('verify: ' + alg);
  }
}
// hand-built token: header/payload are objects (JSON.stringify) or raw strings/Buffers
function build(header, payload, alg, key) {
  const h = typeof header === 'object' && !Buffer.isBuffer(header) ? JSON.stringify(header) : header;
  const p = typeof payload === 'object' && !Buffer.isBuffer(payload) ? JSON.stringify(payload) : payload;
  const input = b64u(Buffer.from(h)) + '.' + b64u(Buffer.from(p));
  return input + '.' + (alg ? b64u(sign(alg, key, input)) : '');
}
async function joseSign(alg, kid, payload, extraHeader = {}) {
  const key = alg === 'HS256' ? HS_SECRET : await jose.importJWK(priv[kid], alg);
  return new jose.SignJWT(payload).setProtectedHeader({ alg, kid, typ: 'JWT', ...extraHeader }).sign(key);
}

// OIDC left-half hash (at_hash / c_hash)
const HASH_OF = { ES256: 'sha256', RS256: 'sha256', PS256: 'sha256', HS256: 'sha256', ES384: 'sha384', RS384: 'sha384', PS384: 'sha384', HS384: 'sha384', ES512: 'sha512', RS512: 'sha512', PS512: 'sha512', HS512: 'sha512', EdDSA: 'sha512', SM2SM3: 'sm3', SM3withSM2: 'sm3' };
function halfHash(alg, value) {
  const d = HASH_OF[alg] === 'sm3' ? Buffer.from(sm3(value), 'hex') : crypto.createHash(HASH_OF[alg]).update(value, 'utf8').digest();
  return b64u(d.subarray(0, d.length / 2));
}
const ACCESS_TOKEN = 'yj-at-5c0e8d21f7a94b36';
const AUTH_CODE = 'yj-code-9a61b3e07d2c';
const NONCE = 'yj-nonce-3f1a7c';

const claims = (over = {}) => {
  const c = { iss: ISS, sub: SUB, aud: AUD, iat: NOW - 300, exp: NOW + 3600, ...over };
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c;
};
const opts = (algs, over = {}) => {
  const o = { at: AT, algorithms: algs, issuers: [ISS], audience: AUD, leeway: LEEWAY, ...over };
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
};

// --- cases -----------------------------------------------------------------------------------
const cases = [];
// meta (stripped before writing): sig = {alg, key} whose signature over parts 0-1 must verify;
// jose = token made by jose (claims cross-checked with jwtVerify); edge = skip jwtVerify.
function add(c, meta = {}) {
  const failing = c.failing_check;
  const rec = { id: 'token-' + c.id, op: 'token', source: c.source, note: c.note, token: c.token, jwks: c.jwks ?? JWKS };
  if (c.hmac_secrets) rec.hmac_secrets = c.hmac_secrets;
  rec.options = c.options;
  // The report status follows from the reason (docs/REPORT.md): not enough to decide
  // (no trusted key, something unsupported) is INDETERMINATE, everything else FAILED.
  const indeterminate = ['UntrustedChain', 'Unsupported', 'RevocationUnknown'];
  rec.expect = failing ? (c.expect ?? (indeterminate.includes(c.reason) ? 'INDETERMINATE' : 'FAILED')) : 'PASSED';
  if (failing) { rec.reason = c.reason; rec.failing_check = failing; }
  cases.push({ rec, meta });
}
const PV = 'PolicyViolation';

// PASSED, one per algorithm, made by jose, kid-selected from the shared JWKS
for (const [alg, kid] of [['ES256', 'ec-p256-1'], ['ES384', 'ec-p384-1'], ['RS256', 'rsa-2048-1'], ['PS256', 'rsa-2048-1'], ['EdDSA', 'ed25519-1']]) {
  const token = await joseSign(alg, kid, claims());
  add({ id: `${alg.toLowerCase()}-pass`, source: SRC_JOSE, note: `${alg} JWT, kid ${kid} selected from a JWKS holding P-256, P-384, RSA, Ed25519 and SM2 keys; iss/aud/sub/iat/exp valid at options.at`, token, options: opts([alg], { typ: ['JWT'], require_sub: true }) }, { sig: { alg, key: kid }, jose: true });
}
{
  const token = await joseSign('HS256', 'hs-1', claims());
  add({ id: 'hs256-pass', source: SRC_JOSE, note: 'HS256 with the shared secret given in hmac_secrets under kid hs-1', token, hmac_secrets: { 'hs-1': HS_SECRET.toString('hex') }, options: opts(['HS256'], { require_sub: true }) }, { sig: { alg: 'HS256', key: { hmac: HS_SECRET } }, jose: true });
  const bad = await new jose.SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'hs-1', typ: 'JWT' }).sign(crypto.createHash('sha256').update('some other secret').digest());
  add({ id: 'hs256-wrong-secret', source: SRC_JOSE, note: 'HS256 made with a different secret than hmac_secrets["hs-1"]', token: bad, hmac_secrets: { 'hs-1': HS_SECRET.toString('hex') }, options: opts(['HS256']), reason: 'BadSignature', failing_check: 'token.signature' });
}
// SM2
const sm2Header = { alg: 'SM2SM3', kid: 'sm2-1', typ: 'JWT' };
{
  const token = build(sm2Header, claims(), 'SM2SM3');
  add({ id: 'sm2sm3-pass', source: SRC_SM2, note: 'SM2SM3: raw 64-byte r||s, SM2 with SM3 over the ASCII signing input, ID 1234567812345678 (e = SM3(Z||M)); key = GB/T 32918 example key, JWK crv SM2', token, options: opts(['SM2SM3'], { typ: ['JWT'], require_sub: true }) }, { sig: { alg: 'SM2SM3', key: 'sm2-1' } });
  const alias = build({ ...sm2Header, alg: 'SM3withSM2' }, claims(), 'SM3withSM2');
  add({ id: 'sm2-alias-sm3withsm2-pass', source: SRC_SM2, note: 'header alg "SM3withSM2", accepted because options.algorithms lists that alias (mapped to SM2 with SM3)', token: alias, options: opts(['SM3withSM2']) }, { sig: { alg: 'SM3withSM2', key: 'sm2-1' } });
  add({ id: 'sm2-alias-not-allowed', source: SRC_SM2, note: 'same token as token-sm2-alias-sm3withsm2-pass; options.algorithms lists only SM2SM3, so the alias is not accepted', token: alias, options: opts(['SM2SM3']), reason: PV, failing_check: 'token.header' }, { sig: { alg: 'SM3withSM2', key: 'sm2-1' } });
  // SM2 key with another curve's alg and vice versa (both kty EC: crv decides)
  const es256OnSm2 = build({ alg: 'ES256', kid: 'sm2-1', typ: 'JWT' }, claims(), 'ES256', 'ec-p256-1');
  add({ id: 'key-es256-kid-sm2', source: SRC_HAND, note: 'alg ES256 (signed with the P-256 key) but kid names the SM2 key: kty EC in both, crv SM2 does not fit ES256', token: es256OnSm2, options: opts(['ES256', 'SM2SM3']), reason: PV, failing_check: 'token.key' }, { sig: { alg: 'ES256', key: 'ec-p256-1' } });
  const sm2OnP256 = build({ alg: 'SM2SM3', kid: 'ec-p256-1', typ: 'JWT' }, claims(), 'SM2SM3');
  add({ id: 'key-sm2sm3-kid-p256', source: SRC_SM2, note: 'alg SM2SM3 (signed with the SM2 key) but kid names the P-256 key: crv P-256 does not fit SM2SM3', token: sm2OnP256, options: opts(['ES256', 'SM2SM3']), reason: PV, failing_check: 'token.key' }, { sig: { alg: 'SM2SM3', key: 'sm2-1' } });
}
// OIDC ID tokens
function oidcClaims(alg, over = {}) {
  return claims({ azp: AUD, nonce: NONCE, auth_time: NOW - 300, at_hash: halfHash(alg, ACCESS_TOKEN), c_hash: halfHash(alg, AUTH_CODE), ...over });
}
const oidcOpts = (algs, over = {}) => opts(algs, { require_sub: true, max_age: 3600, nonce: NONCE, azp: AUD, max_auth_age: 600, access_token: ACCESS_TOKEN, code: AUTH_CODE, ...over });
{
  const t = await joseSign('ES256', 'ec-p256-1', oidcClaims('ES256'));
  add({ id: 'oidc-es256-pass', source: SRC_JOSE, note: 'OIDC ID token: nonce, azp, auth_time, at_hash and c_hash (left half of SHA-256, base64url) all match options', token: t, options: oidcOpts(['ES256']) }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true });
  add({ id: 'oidc-es256-nonce-wrong', source: SRC_JOSE, note: 'same token as token-oidc-es256-pass, options.nonce differs from the token nonce', token: t, options: oidcOpts(['ES256'], { nonce: 'yj-nonce-other' }), reason: PV, failing_check: 'token.nonce' }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true });
  add({ id: 'oidc-es256-azp-wrong', source: SRC_JOSE, note: 'same token as token-oidc-es256-pass, options.azp is another client', token: t, options: oidcOpts(['ES256'], { azp: 'svc-b' }), reason: PV, failing_check: 'token.azp' }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true });
  add({ id: 'oidc-es256-access-token-other', source: SRC_JOSE, note: 'same token as token-oidc-es256-pass, options.access_token is another access token, so at_hash does not match', token: t, options: oidcOpts(['ES256'], { access_token: ACCESS_TOKEN + 'x' }), reason: 'HashMismatch', failing_check: 'token.at-hash' }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true });
  const wrongAt = await joseSign('ES256', 'ec-p256-1', oidcClaims('ES256', { at_hash: halfHash('ES256', 'yj-at-someone-else') }));
  add({ id: 'oidc-es256-at-hash-wrong', source: SRC_JOSE, note: 'at_hash in the token is the hash of another access token', token: wrongAt, options: oidcOpts(['ES256']), reason: 'HashMismatch', failing_check: 'token.at-hash' }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true });
  const wrongC = await joseSign('ES256', 'ec-p256-1', oidcClaims('ES256', { c_hash: halfHash('ES256', 'yj-code-someone-else') }));
  add({ id: 'oidc-es256-c-hash-wrong', source: SRC_JOSE, note: 'c_hash in the token is the hash of another code', token: wrongC, options: oidcOpts(['ES256']), reason: 'HashMismatch', failing_check: 'token.c-hash' }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true });
  const wrongNonce = await joseSign('ES256', 'ec-p256-1', oidcClaims('ES256', { nonce: 'yj-nonce-replayed' }));
  add({ id: 'oidc-es256-token-nonce-wrong', source: SRC_JOSE, note: 'the token carries another nonce than options.nonce', token: wrongNonce, options: oidcOpts(['ES256']), reason: PV, failing_check: 'token.nonce' }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true });
  const noNonce = await joseSign('ES256', 'ec-p256-1', oidcClaims('ES256', { nonce: undefined }));
  add({ id: 'oidc-es256-nonce-missing', source: SRC_JOSE, note: 'options.nonce is set but the token has no nonce claim', token: noNonce, options: oidcOpts(['ES256']), reason: PV, failing_check: 'token.nonce' }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true });
  const authEdge = await joseSign('ES256', 'ec-p256-1', oidcClaims('ES256', { auth_time: NOW - 600 - LEEWAY }));
  add({ id: 'oidc-auth-time-edge-pass', source: SRC_JOSE, note: 'auth_time + max_auth_age + leeway == at: still valid', token: authEdge, options: oidcOpts(['ES256']) }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true });
  const authOld = await joseSign('ES256', 'ec-p256-1', oidcClaims('ES256', { auth_time: NOW - 600 - LEEWAY - 1 }));
  add({ id: 'oidc-auth-time-too-old', source: SRC_JOSE, note: 'auth_time + max_auth_age + leeway == at - 1', token: authOld, options: oidcOpts(['ES256']), reason: 'Expired', failing_check: 'token.auth-time' }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true });
  const t384 = await joseSign('ES384', 'ec-p384-1', oidcClaims('ES384'));
  add({ id: 'oidc-es384-pass', source: SRC_JOSE, note: 'ES384 ID token: at_hash/c_hash are the left 24 bytes of SHA-384', token: t384, options: oidcOpts(['ES384']) }, { sig: { alg: 'ES384', key: 'ec-p384-1' }, jose: true });
  const t384w = await joseSign('ES384', 'ec-p384-1', oidcClaims('ES384', { at_hash: halfHash('ES256', ACCESS_TOKEN) }));
  add({ id: 'oidc-es384-at-hash-sha256', source: SRC_JOSE, note: 'ES384 ID token whose at_hash was made with SHA-256 instead of SHA-384 (c_hash is right)', token: t384w, options: oidcOpts(['ES384']), reason: 'HashMismatch', failing_check: 'token.at-hash' }, { sig: { alg: 'ES384', key: 'ec-p384-1' }, jose: true });
  const tEd = await joseSign('EdDSA', 'ed25519-1', oidcClaims('EdDSA'));
  add({ id: 'oidc-eddsa-pass', source: SRC_JOSE, note: 'EdDSA (Ed25519) ID token: at_hash/c_hash are the left 32 bytes of SHA-512', token: tEd, options: oidcOpts(['EdDSA']) }, { sig: { alg: 'EdDSA', key: 'ed25519-1' }, jose: true });
  const tRs = await joseSign('RS256', 'rsa-2048-1', oidcClaims('RS256'));
  add({ id: 'oidc-rs256-pass', source: SRC_JOSE, note: 'RS256 ID token: at_hash/c_hash are the left 16 bytes of SHA-256', token: tRs, options: oidcOpts(['RS256']) }, { sig: { alg: 'RS256', key: 'rsa-2048-1' }, jose: true });
  const tSm = build(sm2Header, oidcClaims('SM2SM3'), 'SM2SM3');
  add({ id: 'oidc-sm2sm3-pass', source: SRC_SM2, note: 'SM2SM3 ID token: at_hash/c_hash are the left 16 bytes of SM3', token: tSm, options: oidcOpts(['SM2SM3']) }, { sig: { alg: 'SM2SM3', key: 'sm2-1' } });
  const tSmW = build(sm2Header, oidcClaims('SM2SM3', { c_hash: halfHash('ES256', AUTH_CODE) }), 'SM2SM3');
  add({ id: 'oidc-sm2sm3-c-hash-sha256', source: SRC_SM2, note: 'SM2SM3 ID token whose c_hash was made with SHA-256 instead of SM3 (at_hash is right)', token: tSmW, options: oidcOpts(['SM2SM3']), reason: 'HashMismatch', failing_check: 'token.c-hash' }, { sig: { alg: 'SM2SM3', key: 'sm2-1' } });
}

// --- attack suite: header / key --------------------------------------------------------------
for (const none of ['none', 'None', 'NONE', 'nOnE']) {
  const token = build({ alg: none, typ: 'JWT' }, claims(), null);
  add({ id: `alg-${none}`, source: SRC_UNSIGNED, note: `unsigned token, header alg "${none}", empty signature part`, token, options: opts(['ES256', 'RS256']), reason: PV, failing_check: 'token.header' });
}
// Options refused when they are made (op token_options): `error` is text the error must contain.
const optionsCase = (id, note, algorithms, error) => cases.push({ rec: { id, op: 'token_options', source: 'hand-built by gen/token/gen.mjs', note, options: opts(algorithms), error }, meta: {} });
optionsCase('token-alg-none-listed-in-options', 'options.algorithms naming "none" are refused when they are made: unsigned tokens are never accepted', ['none', 'ES256'], '"none"');
optionsCase('token-options-unknown-alg', 'an unknown name in options.algorithms ("SM2-SM3", a typo of SM2SM3) is refused when the options are made, not dropped', ['SM2-SM3', 'ES256'], 'SM2-SM3');
optionsCase('token-options-empty-allow-list', 'an empty options.algorithms is refused when the options are made', [], 'empty');
{
  const t = build({ alg: 'ES256', kid: 'ec-p256-1', typ: 'JWT' }, claims(), 'ES256', 'ec-p256-1');
  add({ id: 'alg-not-allowed', source: SRC_HAND, note: 'valid ES256 token; options.algorithms lists only RS256', token: t, options: opts(['RS256']), reason: PV, failing_check: 'token.header' }, { sig: { alg: 'ES256', key: 'ec-p256-1' } });
  const noAlg = build({ kid: 'ec-p256-1', typ: 'JWT' }, claims(), 'ES256', 'ec-p256-1');
  add({ id: 'alg-missing', source: SRC_HAND, note: 'header without alg (signed with ES256 anyway)', token: noAlg, options: opts(['ES256']), reason: 'Malformed', failing_check: 'token.header' }, { sig: { alg: 'ES256', key: 'ec-p256-1' } });
}
{
  const secretPem = Buffer.from(RSA_SPKI_PEM, 'ascii');
  const t = build({ alg: 'HS256', kid: 'rsa-2048-1', typ: 'JWT' }, claims(), 'HS256', { hmac: secretPem });
  add({ id: 'confusion-hs256-rsa-pem', source: SRC_HAND, note: 'HS256 whose HMAC key is the RSA public key as SPKI PEM text (with its final newline); kid names that RSA key in jwks; no hmac_secrets; options allow RS256 and HS256', token: t, options: opts(['RS256', 'HS256']), reason: PV, failing_check: 'token.key' }, { sig: { alg: 'HS256', key: { hmac: secretPem } } });
  const smPem = Buffer.from(SM2_SPKI_PEM, 'ascii');
  const t2 = build({ alg: 'HS256', kid: 'sm2-1', typ: 'JWT' }, claims(), 'HS256', { hmac: smPem });
  add({ id: 'confusion-hs256-sm2-pem', source: SRC_HAND, note: 'HS256 whose HMAC key is the SM2 public key as SPKI PEM text; kid names the SM2 key in jwks; no hmac_secrets; options allow SM2SM3 and HS256', token: t2, options: opts(['SM2SM3', 'HS256']), reason: PV, failing_check: 'token.key' }, { sig: { alg: 'HS256', key: { hmac: smPem } } });
  const smRaw = Buffer.from(SM2_PUB, 'hex');
  const t3 = build({ alg: 'HS256', kid: 'sm2-1', typ: 'JWT' }, claims(), 'HS256', { hmac: smRaw });
  add({ id: 'confusion-hs256-sm2-raw-point', source: SRC_HAND, note: 'HS256 whose HMAC key is the 65-byte uncompressed SM2 public point; kid names the SM2 key', token: t3, options: opts(['SM2SM3', 'HS256']), reason: PV, failing_check: 'token.key' }, { sig: { alg: 'HS256', key: { hmac: smRaw } } });
}
{
  const attackerJwk = pubJwk('attacker-p256'); delete attackerJwk.use; attackerJwk.kid = 'attacker-1';
  const t = build({ alg: 'ES256', kid: 'attacker-1', typ: 'JWT', jwk: attackerJwk }, claims(), 'ES256', 'attacker-p256');
  add({ id: 'embedded-jwk', source: SRC_HAND, note: 'header jwk carries the attacker\'s P-256 key (kid attacker-1, not in jwks); signed with that key', token: t, options: opts(['ES256']), reason: 'UntrustedChain', failing_check: 'token.key' });
  const t2 = build({ alg: 'ES256', kid: 'attacker-1', typ: 'JWT', jku: 'https://attacker.example/jwks.json' }, claims(), 'ES256', 'attacker-p256');
  add({ id: 'jku-header', source: SRC_HAND, note: 'header jku points to an attacker JWKS; kid attacker-1 not in jwks', token: t2, options: opts(['ES256']), reason: 'UntrustedChain', failing_check: 'token.key' });
  const t3 = build({ alg: 'ES256', kid: 'attacker-1', typ: 'JWT', x5u: 'https://attacker.example/cert.pem' }, claims(), 'ES256', 'attacker-p256');
  add({ id: 'x5u-header', source: SRC_HAND, note: 'header x5u points to an attacker certificate; kid attacker-1 not in jwks', token: t3, options: opts(['ES256']), reason: 'UntrustedChain', failing_check: 'token.key' });
  const t4 = build({ alg: 'ES256', kid: 'ec-p256-9', typ: 'JWT' }, claims(), 'ES256', 'ec-p256-1');
  add({ id: 'kid-unknown', source: SRC_HAND, note: 'kid ec-p256-9 is not in jwks (signature made with ec-p256-1)', token: t4, options: opts(['ES256']), reason: 'UntrustedChain', failing_check: 'token.key' });
  const t5 = build({ alg: 'ES256', kid: 'rsa-2048-1', typ: 'JWT' }, claims(), 'ES256', 'ec-p256-1');
  add({ id: 'kid-rsa-alg-es256', source: SRC_HAND, note: 'alg ES256 (signed with the P-256 key), kid names the RSA key', token: t5, options: opts(['ES256', 'RS256']), reason: PV, failing_check: 'token.key' }, { sig: { alg: 'ES256', key: 'ec-p256-1' } });
  const t6 = build({ alg: 'RS256', kid: 'ec-p256-1', typ: 'JWT' }, claims(), 'RS256', 'rsa-2048-1');
  add({ id: 'kid-ec-alg-rs256', source: SRC_HAND, note: 'alg RS256 (signed with the RSA key), kid names the P-256 key', token: t6, options: opts(['ES256', 'RS256']), reason: PV, failing_check: 'token.key' }, { sig: { alg: 'RS256', key: 'rsa-2048-1' } });
  const t7 = build({ alg: 'EdDSA', kid: 'ec-p256-1', typ: 'JWT' }, claims(), 'EdDSA', 'ed25519-1');
  add({ id: 'kid-ec-alg-eddsa', source: SRC_HAND, note: 'alg EdDSA (signed with the Ed25519 key), kid names the P-256 key', token: t7, options: opts(['ES256', 'EdDSA']), reason: PV, failing_check: 'token.key' }, { sig: { alg: 'EdDSA', key: 'ed25519-1' } });
  const t8 = build({ alg: 'ES256', kid: 'ec-p384-1', typ: 'JWT' }, claims(), 'ES256', 'ec-p256-1');
  add({ id: 'kid-p384-alg-es256', source: SRC_HAND, note: 'alg ES256 (signed with the P-256 key), kid names the P-384 key: curve does not fit the alg', token: t8, options: opts(['ES256', 'ES384']), reason: PV, failing_check: 'token.key' }, { sig: { alg: 'ES256', key: 'ec-p256-1' } });
}
{
  const hdr = { alg: 'ES256', kid: 'ec-p256-1', typ: 'JWT' };
  const good = build(hdr, claims(), 'ES256', 'ec-p256-1');
  const [h, p, s] = good.split('.');
  add({ id: 'signature-stripped', source: SRC_HAND, note: 'valid ES256 token with the third part emptied', token: `${h}.${p}.`, options: opts(['ES256']), reason: 'BadSignature', failing_check: 'token.signature' });
  add({ id: 'signature-truncated', source: SRC_HAND, note: 'ES256 signature cut to its first 63 bytes (re-encoded, canonical base64url)', token: `${h}.${p}.${b64u(unb64u(s).subarray(0, 63))}`, options: opts(['ES256']), reason: 'BadSignature', failing_check: 'token.signature' });
  const tampered = enc(JSON.stringify(claims({ sub: 'admin' })));
  add({ id: 'payload-modified', source: SRC_HAND, note: 'signature of a valid ES256 token kept, payload replaced (sub changed to admin)', token: `${h}.${tampered}.${s}`, options: opts(['ES256']), reason: 'BadSignature', failing_check: 'token.signature' });
  const wrongKey = build(hdr, claims(), 'ES256', 'attacker-p256');
  add({ id: 'signature-wrong-key', source: SRC_HAND, note: 'kid ec-p256-1 but signed with another P-256 key', token: wrongKey, options: opts(['ES256']), reason: 'BadSignature', failing_check: 'token.signature' });
  const rs = build({ alg: 'RS256', kid: 'rsa-2048-1', typ: 'JWT' }, claims(), 'RS256', 'rsa-2048-1').split('.');
  const rsBad = Buffer.from(unb64u(rs[2])); rsBad[100] ^= 0x01;
  add({ id: 'signature-rs256-bitflip', source: SRC_HAND, note: 'RS256 signature with one bit flipped', token: `${rs[0]}.${rs[1]}.${b64u(rsBad)}`, options: opts(['RS256']), reason: 'BadSignature', failing_check: 'token.signature' });
  const sm = build(sm2Header, claims(), 'SM2SM3').split('.');
  add({ id: 'signature-sm2-payload-modified', source: SRC_SM2, note: 'SM2SM3 signature kept, payload replaced (sub changed to admin)', token: `${sm[0]}.${tampered}.${sm[2]}`, options: opts(['SM2SM3']), reason: 'BadSignature', failing_check: 'token.signature' });
  const smSig = unb64u(sm[2]);
  add({ id: 'signature-sm2-der', source: SRC_SM2, note: 'SM2SM3 signature given DER-encoded (SEQUENCE of r, s) instead of raw r||s', token: `${sm[0]}.${sm[1]}.${b64u(rsToDer(smSig))}`, options: opts(['SM2SM3']), reason: 'BadSignature', failing_check: 'token.signature' });
}
{
  const t = build({ alg: 'ES256', kid: 'ec-p256-1', typ: 'at+jwt' }, claims(), 'ES256', 'ec-p256-1');
  add({ id: 'typ-mismatch', source: SRC_HAND, note: 'header typ at+jwt; options.typ ["JWT"]', token: t, options: opts(['ES256'], { typ: ['JWT'] }), reason: PV, failing_check: 'token.header' }, { sig: { alg: 'ES256', key: 'ec-p256-1' } });
  const t2 = build({ alg: 'ES256', kid: 'ec-p256-1', typ: 'JWT', crit: ['exp'], exp: NOW + 3600 }, claims(), 'ES256', 'ec-p256-1');
  add({ id: 'crit-exp', source: SRC_HAND, note: 'header crit ["exp"] (with an exp header parameter): crit extensions are not supported', token: t2, options: opts(['ES256']), reason: 'Unsupported', failing_check: 'token.header' }, { sig: { alg: 'ES256', key: 'ec-p256-1' } });
  const t3 = build({ alg: 'ES256', kid: 'ec-p256-1', typ: 'JWT', b64: false, crit: ['b64'] }, claims(), 'ES256', 'ec-p256-1');
  add({ id: 'b64-false', source: SRC_HAND, note: 'header b64:false with crit ["b64"] (RFC 7797); the payload part is still base64url text, and the signature is over the usual signing input, which is also the RFC 7797 input for that payload text', token: t3, options: opts(['ES256']), reason: 'Unsupported', failing_check: 'token.header' }, { sig: { alg: 'ES256', key: 'ec-p256-1' } });
  const t4 = build({ alg: 'ES256', kid: 'ec-p256-1', typ: 'JWT', b64: false }, claims(), 'ES256', 'ec-p256-1');
  add({ id: 'b64-false-no-crit', source: SRC_HAND, note: 'header b64:false without crit', token: t4, options: opts(['ES256']), reason: 'Unsupported', failing_check: 'token.header' }, { sig: { alg: 'ES256', key: 'ec-p256-1' } });
}

// --- claims ----------------------------------------------------------------------------------
async function claimCase(id, note, over, options, failing, reason, edge = false) {
  const token = await joseSign('ES256', 'ec-p256-1', claims(over));
  add({ id, source: SRC_JOSE, note, token, options, reason, failing_check: failing }, { sig: { alg: 'ES256', key: 'ec-p256-1' }, jose: true, edge });
}
const E = ['ES256'];
await claimCase('exp-edge-pass', 'exp == at - leeway (60): still valid', { iat: NOW - 3600, exp: NOW - LEEWAY }, opts(E), undefined, undefined, true);
await claimCase('exp-edge-plus-1', 'exp == at - leeway - 1: expired', { iat: NOW - 3600, exp: NOW - LEEWAY - 1 }, opts(E), 'token.exp', 'Expired');
await claimCase('exp-within-leeway-pass', 'exp == at - 30, leeway 60', { iat: NOW - 3600, exp: NOW - 30 }, opts(E));
await claimCase('exp-edge-leeway-0-pass', 'leeway 0, exp == at: still valid', { iat: NOW - 3600, exp: NOW }, opts(E, { leeway: 0 }), undefined, undefined, true);
await claimCase('exp-leeway-0-expired', 'leeway 0, exp == at - 1', { iat: NOW - 3600, exp: NOW - 1 }, opts(E, { leeway: 0 }), 'token.exp', 'Expired');
await claimCase('exp-long-past', 'exp a day before at', { iat: NOW - 90000, exp: NOW - 86400 }, opts(E), 'token.exp', 'Expired');
await claimCase('nbf-edge-pass', 'nbf == at + leeway: valid', { nbf: NOW + LEEWAY }, opts(E));
await claimCase('nbf-edge-plus-1', 'nbf == at + leeway + 1', { nbf: NOW + LEEWAY + 1 }, opts(E), 'token.nbf', 'NotYetValid');
await claimCase('iat-edge-pass', 'iat == at + leeway: valid', { iat: NOW + LEEWAY }, opts(E));
await claimCase('iat-future', 'iat == at + leeway + 1 (exp still ahead)', { iat: NOW + LEEWAY + 1 }, opts(E), 'token.iat', 'NotYetValid');
await claimCase('max-age-edge-pass', 'iat + max_age + leeway == at: valid', { iat: NOW - 3600 - LEEWAY }, opts(E, { max_age: 3600 }));
await claimCase('max-age-exceeded', 'iat + max_age + leeway == at - 1 (exp still ahead)', { iat: NOW - 3600 - LEEWAY - 1 }, opts(E, { max_age: 3600 }), 'token.max-age', 'Expired');
await claimCase('aud-array-pass', 'aud array containing svc-a', { aud: ['svc-b', AUD] }, opts(E));
await claimCase('aud-array-without-service', 'aud ["svc-b","svc-c"], options.audience svc-a', { aud: ['svc-b', 'svc-c'] }, opts(E), 'token.aud', PV);
await claimCase('aud-string-other', 'aud "svc-b"', { aud: 'svc-b' }, opts(E), 'token.aud', PV);
await claimCase('aud-missing', 'no aud claim while options.audience is set', { aud: undefined }, opts(E), 'token.aud', PV);
await claimCase('aud-not-configured-pass', 'no aud claim and no options.audience: none expected, none carried', { aud: undefined }, opts(E, { audience: undefined }));
// jose accepts any aud when given no audience; yinjian refuses it (as PyJWT does): no jose cross-check.
await claimCase('aud-not-configured-refused', 'aud "svc-b" and no options.audience: a token issued for someone is refused when the verifier names no audience (as PyJWT does)', { aud: 'svc-b' }, opts(E, { audience: undefined }), 'token.aud', PV, true);
await claimCase('aud-any-pass', 'aud "svc-b", options.any_audience: accepted, the report records that aud was not checked', { aud: 'svc-b' }, opts(E, { audience: undefined, any_audience: true }));
await claimCase('iss-wrong', 'iss https://id.example.com not in options.issuers', { iss: 'https://id.example.com' }, opts(E), 'token.iss', PV);
await claimCase('iss-second-of-two-pass', 'iss is the second of two configured issuers', { iss: 'https://id2.example.gov.cn' }, opts(E, { issuers: [ISS, 'https://id2.example.gov.cn'] }));
await claimCase('iss-any-pass', 'iss https://id.example.com, options.any_issuer: accepted, the report records that iss was not checked', { iss: 'https://id.example.com' }, opts(E, { issuers: undefined, any_issuer: true }));
await claimCase('sub-missing', 'no sub claim, options.require_sub true', { sub: undefined }, opts(E, { require_sub: true }), 'token.sub', 'Missing');
await claimCase('sub-missing-not-required-pass', 'no sub claim, require_sub not set', { sub: undefined }, opts(E));

// --- size and format -------------------------------------------------------------------------
function sizedToken(target) {
  // find (alg, header, pad length) so that the compact token is exactly `target` characters
  for (const [alg, kid] of [['ES256', 'ec-p256-1'], ['ES384', 'ec-p384-1'], ['RS256', 'rsa-2048-1']]) {
    for (const hdr of [{ alg, kid, typ: 'JWT' }, { alg, kid }]) {
      const sigLen = { ES256: 86, ES384: 128, RS256: 342 }[alg];
      const hLen = enc(JSON.stringify(hdr)).length;
      const want = target - hLen - sigLen - 2;
      const base = JSON.stringify(claims({ pad: '' })).length;
      for (let n = Math.floor(want * 3 / 4) - base - 4; n < Math.floor(want * 3 / 4) - base + 4; n++) {
        if (n < 0) continue;
        const body = JSON.stringify(claims({ pad: 'x'.repeat(n) }));
        if (enc(body).length === want) return { token: build(hdr, body, alg, kid), alg, kid };
      }
    }
  }
  throw new Error('no size for ' + target);
}
{
  const s1 = sizedToken(65536);
  add({ id: 'size-64k-exact-pass', source: SRC_HAND, note: `token exactly 65536 characters (${s1.alg}, a long pad claim): at the default limit`, token: s1.token, options: opts([s1.alg]) }, { sig: { alg: s1.alg, key: s1.kid } });
  const s2 = sizedToken(65537);
  add({ id: 'size-64k-plus-1', source: SRC_HAND, note: `token 65537 characters (${s2.alg}, validly signed)`, token: s2.token, options: opts([s2.alg]), reason: 'TooLarge', failing_check: 'token.size' }, { sig: { alg: s2.alg, key: s2.kid } });
  const big = build({ alg: 'ES256', kid: 'ec-p256-1', typ: 'JWT' }, claims({ pad: 'y'.repeat(100000) }), 'ES256', 'ec-p256-1');
  add({ id: 'size-huge-claim', source: SRC_HAND, note: `validly signed ES256 token with a 100000-character claim (${big.length} characters)`, token: big, options: opts(E), reason: 'TooLarge', failing_check: 'token.size' }, { sig: { alg: 'ES256', key: 'ec-p256-1' } });
}
const H = { alg: 'ES256', kid: 'ec-p256-1', typ: 'JWT' };
const fmt = (id, note, token, meta = {}) => add({ id, source: SRC_HAND, note, token, options: opts(E), reason: 'Malformed', failing_check: 'token.format' }, meta);
const sigES = { sig: { alg: 'ES256', key: 'ec-p256-1' } };
{
  // payload whose base64url length is 3 mod 4 (2 bytes in the last group: 1 canonical '=' of padding)
  let jti = 'j'; let body;
  for (;;) { body = JSON.stringify(claims({ jti })); if (enc(body).length % 4 === 3) break; jti += 'j'; }
  const t = build(H, body, 'ES256', 'ec-p256-1'); const [h, p, s] = t.split('.');
  fmt('format-payload-padded', 'a valid ES256 token with "=" appended to the payload part (the correct base64 padding for its length)', `${h}.${p}=.${s}`);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(p[p.length - 1]);
  if (last & 0b11) throw new Error('expected canonical last char');
  const pNon = p.slice(0, -1) + alphabet[last | 1];
  if (!unb64u(pNon).equals(unb64u(p))) throw new Error('non-canonical char decodes differently');
  fmt('format-payload-noncanonical-last-char', `payload part's last character changed from ${p[p.length - 1]} to ${alphabet[last | 1]}: same bytes under a lenient decoder, but the unused low bits are not zero`, `${h}.${pNon}.${s}`);
  const sLast = alphabet.indexOf(s[s.length - 1]);
  if (s.length % 4 !== 2 || (sLast & 0b1111)) throw new Error('sig last char');
  fmt('format-signature-noncanonical-last-char', 'ES256 signature part (86 chars) with its last character\'s 4 unused bits set to 1000', `${h}.${p}.${s.slice(0, -1)}${alphabet[sLast | 0b1000]}`);
  const i = Math.floor(p.length / 2);
  fmt('format-payload-plus-char', 'a "+" (standard base64 alphabet, not base64url) put in the middle of the payload part', `${h}.${p.slice(0, i)}+${p.slice(i + 1)}.${s}`);
  fmt('format-four-parts', 'valid ES256 token followed by a fourth part', `${t}.${s}`);
  fmt('format-two-parts', 'header and payload only, no third part', `${h}.${p}`);
  {
    const hv = { alg: 'RS256', kid: 'rsa-2048-1', typ: 'JWT' };
    const [hh, hp, hs] = build(hv, claims(), 'RS256', 'rsa-2048-1').split('.');
    if (hh.length % 4 === 0) throw new Error('header length');
    add({ id: 'format-header-padded', source: SRC_HAND, note: 'RS256 token with the base64 padding of its header part appended ("="); signature valid over the unpadded input', token: `${hh}${'='.repeat(4 - (hh.length % 4))}.${hp}.${hs}`, options: opts(['RS256']), reason: 'Malformed', failing_check: 'token.format' });
  }
}
fmt('format-header-duplicate-alg', 'header {"alg":"ES256","kid":"ec-p256-1","typ":"JWT","alg":"ES256"}: duplicate member, same value; valid ES256 signature', build('{"alg":"ES256","kid":"ec-p256-1","typ":"JWT","alg":"ES256"}', claims(), 'ES256', 'ec-p256-1'), sigES);
fmt('format-header-duplicate-alg-differing', 'header {"alg":"ES256","kid":"ec-p256-1","alg":"HS256"}: duplicate alg with different values; valid ES256 signature (options allow ES256 and HS256)', build('{"alg":"ES256","kid":"ec-p256-1","alg":"HS256"}', claims(), 'ES256', 'ec-p256-1'), sigES);
cases[cases.length - 1].rec.options.algorithms = ['ES256', 'HS256'];
fmt('format-payload-duplicate-member', 'payload with "sub" twice ("user-1001" then "admin"); valid ES256 signature', build(H, `{"iss":"${ISS}","sub":"${SUB}","aud":"${AUD}","iat":${NOW - 300},"exp":${NOW + 3600},"sub":"admin"}`, 'ES256', 'ec-p256-1'), sigES);
fmt('format-payload-array', 'payload is a JSON array holding a claims object; valid ES256 signature', build(H, JSON.stringify([claims()]), 'ES256', 'ec-p256-1'), sigES);
fmt('format-header-not-object', 'header is the JSON string "ES256"; valid ES256 signature', build('"ES256"', claims(), 'ES256', 'ec-p256-1'), sigES);
fmt('format-payload-invalid-utf8', 'payload JSON with bytes ff fe inside the sub string (not UTF-8); valid ES256 signature', build(H, Buffer.concat([Buffer.from(`{"iss":"${ISS}","sub":"user-`), Buffer.from([0xff, 0xfe]), Buffer.from(`","aud":"${AUD}","iat":${NOW - 300},"exp":${NOW + 3600}}`)]), 'ES256', 'ec-p256-1'), sigES);
fmt('format-payload-not-json', 'payload is the text "not json"; valid ES256 signature', build(H, 'not json', 'ES256', 'ec-p256-1'), sigES);
{
  const nest = (n) => '['.repeat(n) + ']'.repeat(n);
  const deep = `{"iss":"${ISS}","sub":"${SUB}","aud":"${AUD}","iat":${NOW - 300},"exp":${NOW + 3600},"x":${nest(39)}}`;
  fmt('format-payload-depth-40', 'payload object holding 39 nested arrays: nesting depth 40 counting the top-level object; valid ES256 signature', build(H, deep, 'ES256', 'ec-p256-1'), sigES);
  const ok = `{"iss":"${ISS}","sub":"${SUB}","aud":"${AUD}","iat":${NOW - 300},"exp":${NOW + 3600},"x":${nest(31)}}`;
  add({ id: 'format-payload-depth-32-pass', source: SRC_HAND, note: 'payload object holding 31 nested arrays: depth 32 counting the top-level object (within the limit however it is counted)', token: build(H, ok, 'ES256', 'ec-p256-1'), options: opts(E) }, sigES);
}

// --- validation ------------------------------------------------------------------------------
function rsToDer(sig) {
  const int = (b) => { let i = 0; while (i < b.length - 1 && b[i] === 0) i++; b = b.subarray(i); if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]); return Buffer.concat([Buffer.from([0x02, b.length]), b]); };
  const body = Buffer.concat([int(sig.subarray(0, 32)), int(sig.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
function claimModel(p, o) {
  const f = [];
  const lw = o.leeway ?? 0; const at = Date.parse(o.at) / 1000;
  if (p.exp !== undefined && p.exp + lw < at) f.push('token.exp');
  if (p.nbf !== undefined && p.nbf - lw > at) f.push('token.nbf');
  if (p.iat !== undefined && p.iat - lw > at) f.push('token.iat');
  if (o.max_age !== undefined && !(p.iat !== undefined && p.iat + o.max_age + lw >= at)) f.push('token.max-age');
  if (o.issuers && !o.issuers.includes(p.iss)) f.push('token.iss');
  if (o.audience !== undefined && !(p.aud === o.audience || (Array.isArray(p.aud) && p.aud.includes(o.audience)))) f.push('token.aud');
  else if (o.audience === undefined && !o.any_audience && p.aud !== undefined) f.push('token.aud');
  if (o.require_sub && typeof p.sub !== 'string') f.push('token.sub');
  if (o.nonce !== undefined && p.nonce !== o.nonce) f.push('token.nonce');
  if (o.azp !== undefined && p.azp !== o.azp) f.push('token.azp');
  if (o.max_auth_age !== undefined && !(p.auth_time !== undefined && p.auth_time + o.max_auth_age + lw >= at)) f.push('token.auth-time');
  const alg = o._alg;
  if (o.access_token !== undefined && p.at_hash !== halfHash(alg, o.access_token)) f.push('token.at-hash');
  if (o.code !== undefined && p.c_hash !== halfHash(alg, o.code)) f.push('token.c-hash');
  return f;
}
const CLAIM_CHECKS = new Set(['token.exp', 'token.nbf', 'token.iat', 'token.max-age', 'token.iss', 'token.aud', 'token.sub', 'token.nonce', 'token.azp', 'token.auth-time', 'token.at-hash', 'token.c-hash']);
const JOSE_CHECKS = new Set(['token.exp', 'token.nbf', 'token.max-age', 'token.iss', 'token.aud', 'token.sub']);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yj-token-'));
fs.writeFileSync(path.join(tmp, 'sm2pub.pem'), SM2_SPKI_PEM);
let opensslChecked = 0;
const ids = new Set();
for (const { rec, meta } of cases) {
  const fail = (m) => { throw new Error(`${rec.id}: ${m}`); };
  if (ids.has(rec.id)) fail('duplicate id'); ids.add(rec.id);
  if (rec.op === 'token_options') continue;
  const line = JSON.stringify(rec);
  if (JSON.stringify(JSON.parse(line)) !== line) fail('JSON round trip');
  if ((rec.expect === 'PASSED') !== (rec.failing_check === undefined)) fail('expect/failing_check');
  const parts = rec.token.split('.');
  const input = parts.slice(0, 2).join('.');
  let header, payload;
  try { header = JSON.parse(unb64u(parts[0]).toString('utf8')); } catch { /* format cases */ }
  try { const raw = unb64u(parts[1]); payload = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)); } catch { /* format cases */ }
  if (meta.sig) {
    if (!verifyRaw(meta.sig.alg, meta.sig.key, input, unb64u(parts[2]))) fail('signature does not verify');
  }
  if (rec.failing_check === 'token.signature' && header && verifyRaw(header.alg, header.kid === 'hs-1' ? { hmac: HS_SECRET } : header.kid, input, unb64u(parts[2]))) fail('bad-signature case verifies');
  // claims: only the intended claim check (if any) fails
  const decidesLater = rec.failing_check === undefined || CLAIM_CHECKS.has(rec.failing_check);
  if (payload && typeof payload === 'object' && !Array.isArray(payload) && rec.failing_check !== 'token.format') {
    const got = claimModel(payload, { ...rec.options, _alg: header?.alg === 'SM3withSM2' ? 'SM2SM3' : header?.alg });
    const want = decidesLater && rec.failing_check ? [rec.failing_check] : [];
    if (JSON.stringify(got) !== JSON.stringify(want)) fail(`claim model says ${JSON.stringify(got)}, case says ${JSON.stringify(want)}`);
  }
  if (rec.expect === 'PASSED') {
    if (rec.token.length > 65536) fail('PASSED token over 64 KiB');
    if (!rec.options.algorithms.includes(header.alg)) fail('alg not allowed');
    if (header.alg === 'SM2SM3' || header.alg === 'SM3withSM2') {
      if (!sm2.doVerifySignature(input, unb64u(parts[2]).toString('hex'), SM2_PUB, { hash: true, der: false })) fail('sm-crypto verify');
      const m = path.join(tmp, 'msg'), s = path.join(tmp, 'sig.der');
      fs.writeFileSync(m, input); fs.writeFileSync(s, rsToDer(unb64u(parts[2])));
      const ossl = (id) => { try { execFileSync('openssl', ['pkeyutl', '-verify', '-pubin', '-inkey', path.join(tmp, 'sm2pub.pem'), '-rawin', '-digest', 'sm3', '-in', m, '-sigfile', s, '-pkeyopt', `distid:${id}`], { stdio: 'pipe' }); return true; } catch { return false; } };
      if (!ossl('1234567812345678')) fail('openssl does not verify the SM2 signature with distid 1234567812345678');
      if (ossl('1234567812345679')) fail('openssl verifies with a wrong distid');
      opensslChecked++;
    } else {
      const jwk = rec.jwks.keys.find((k) => k.kid === header.kid);
      const key = header.alg === 'HS256' ? Buffer.from(rec.hmac_secrets[header.kid], 'hex') : await jose.importJWK(jwk, header.alg);
      await jose.compactVerify(rec.token, key, { algorithms: [header.alg] }).catch((e) => fail('jose.compactVerify: ' + e.message));
    }
  }
  if (meta.jose && !meta.edge && (rec.failing_check === undefined || JOSE_CHECKS.has(rec.failing_check))) {
    const o = rec.options;
    const key = header.alg === 'HS256' ? Buffer.from(rec.hmac_secrets[header.kid], 'hex') : await jose.importJWK(rec.jwks.keys.find((k) => k.kid === header.kid), header.alg);
    const r = await jose.jwtVerify(rec.token, key, { algorithms: o.algorithms, currentDate: new Date(o.at), clockTolerance: o.leeway ?? 0, issuer: o.issuers, audience: o.audience, maxTokenAge: o.max_age, requiredClaims: o.require_sub ? ['sub'] : undefined, typ: o.typ?.[0] }).then(() => null, (e) => e);
    if ((r === null) !== (rec.expect === 'PASSED')) fail(`jose.jwtVerify disagrees: ${r?.message ?? 'accepted'}`);
  }
}
fs.rmSync(tmp, { recursive: true });
if (opensslChecked < 3) throw new Error('too few OpenSSL SM2 checks');

// --- write -----------------------------------------------------------------------------------
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(outFile, cases.map(({ rec }) => JSON.stringify(rec)).join('\n') + '\n');
const esc = (s) => s.replace(/\|/g, '\\|');
const verdict = (rec) => rec.op === 'token_options' ? `options refused (\`${rec.error}\`)` : `${rec.expect}${rec.reason ? ` ${rec.reason}` : ''}`;
const rows = cases.map(({ rec }) => `| \`${rec.id}\` | ${verdict(rec)} | ${rec.failing_check ? `\`${rec.failing_check}\`` : ''} | ${esc(rec.note)} |`);
const readme = `# JOSE / JWT token verification vectors

\`tokens.jsonl\`: one case per line, \`"op": "token"\`, or \`"op": "token_options"\` for options that must be
refused when they are made (\`error\`: text the error must contain). Made by \`../gen/gen-token.sh\`
(node scripts in \`../gen/token/\`, with jose ${joseVersion}, sm-crypto ${smVersion} and node crypto).
The file is written once; \`gen-token.sh --force\` remakes it (ECDSA, PS256 and SM2 signatures are
randomized, the outcomes stay the same). Keys: \`../gen/token/keys.json\` (made on the first run and
kept; test keys only) and, for SM2, the fixed GB/T 32918 example private key
\`${SM2_D}\`.

## Case format

- \`token\`: compact JWS. \`jwks\`: verification keys (public JWKs, selected by \`kid\`). Unless a case
  says otherwise the JWKS holds five keys: \`ec-p256-1\`, \`ec-p384-1\`, \`rsa-2048-1\` (used for RS256
  and PS256), \`ed25519-1\` and \`sm2-1\` (\`{"kty":"EC","crv":"SM2",...}\`).
- \`hmac_secrets\` (optional): shared secrets, hex, keyed by kid.
- \`options\`: \`at\` (the verification time), \`algorithms\`, \`issuers\` (or \`any_issuer: true\`: one of
  the two is required), \`audience\` (or \`any_audience: true\`; with neither no audience is expected
  and a token carrying \`aud\` is refused), \`leeway\` (seconds), and where a case needs them \`typ\`,
  \`require_sub\`, \`max_age\`, \`nonce\`, \`azp\`, \`max_auth_age\`, \`access_token\`, \`code\`. Other
  absent options are not checked.
- \`expect\`: PASSED, FAILED or INDETERMINATE (the status the reason gives, docs/REPORT.md); when not PASSED, \`reason\` and \`failing_check\` name the check that
  decides. Every FAILED case is built so that only that one check fails (tokens that must reach a
  later check carry a valid signature over their exact, possibly hand-built, bytes).

Common claims: iss \`${ISS}\`, aud \`${AUD}\`, sub \`${SUB}\`, iat = at − 300, exp = at + 3600,
with \`at\` = ${AT} and leeway ${LEEWAY} unless the case says otherwise.

SM2: alg \`SM2SM3\`, signature = raw 64-byte r‖s of SM2 with SM3 over the ASCII signing input,
distinguishing ID \`1234567812345678\` (e = SM3(Z‖M)), made with sm-crypto \`sm2.doSignature(input, d,
{hash: true, der: false})\` (its default user ID is 1234567812345678). Each PASSED SM2 token was checked
with sm-crypto \`doVerifySignature\` and with OpenSSL (\`openssl pkeyutl -verify -pubin -inkey sm2.pem
-rawin -digest sm3 -pkeyopt distid:1234567812345678\`, r‖s converted to DER), and OpenSSL was checked to
reject the same signature with distid 1234567812345679.

OIDC at_hash / c_hash: base64url of the left half of the hash of the ASCII access token / code, with
SHA-256 for ES256/RS256/PS256/HS256, SHA-384 for *384, SHA-512 for *512 and EdDSA, SM3 for SM2SM3.

Checks made by the generator before writing: each line is JSON; each PASSED token verifies with
\`jose.compactVerify\` (SM2: sm-crypto and OpenSSL); every signature meant to be valid verifies with
node crypto; a model of the claim checks reports exactly the case's \`failing_check\` (or nothing);
and \`jose.jwtVerify\` agrees with the expectation for the claim checks jose has — except at the exp
edge (\`exp-edge-pass\`, \`exp-edge-leeway-0-pass\`): jose rejects exp == at − leeway, these vectors
(and the verifier) accept it (valid while at ≤ exp + leeway).

## Cases (${cases.length})

| id | expect | failing_check | what |
|---|---|---|---|
${rows.join('\n')}
`;
fs.writeFileSync(readmeFile, readme);
console.log(`wrote ${cases.length} cases to ${path.relative(process.cwd(), outFile)} (${opensslChecked} SM2 signatures checked with OpenSSL)`);
