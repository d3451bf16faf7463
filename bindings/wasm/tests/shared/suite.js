// The checks both the node and the Chromium tests run against the WASM module.
// Plain ES module, no node APIs: the browser page imports this file as it is.

export const ABC_SM3 = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";

// GB/T 32918 example private key d (hex text, as PrivateKey::parse takes it).
const PRIVATE_HEX = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";

export class CheckFailed extends Error {}

function ok(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

function eq(got, want, what) {
  ok(got === want, `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const utf8 = (text) => new TextEncoder().encode(text);

function throwsCode(fn, code, what) {
  let thrown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  ok(thrown !== undefined, `${what}: did not throw`);
  ok(thrown instanceof Error, `${what}: threw a non-Error ${String(thrown)}`);
  eq(thrown.code, code, `${what}: error code`);
  ok(typeof thrown.message === "string" && thrown.message.length > 0, `${what}: empty message`);
  return thrown;
}

function isPlainObject(value) {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

function checkReport(report, status, what) {
  ok(isPlainObject(report), `${what}: the report is not a plain object`);
  eq(report.status, status, `${what}: status`);
  eq(report.kind, "sm2-signature", `${what}: kind`);
  eq(typeof report.version, "number", `${what}: version type`);
  eq(typeof report.summary, "string", `${what}: summary type`);
  ok(Array.isArray(report.checks) && report.checks.length > 0, `${what}: no checks`);
  for (const check of report.checks) {
    ok(isPlainObject(check), `${what}: a check is not a plain object`);
    ok(typeof check.name === "string" && typeof check.message === "string", `${what}: check fields`);
    if (check.details !== undefined) ok(isPlainObject(check.details), `${what}: details not a plain object`);
  }
  // Plain JSON data only: a JSON round trip changes nothing.
  eq(JSON.stringify(JSON.parse(JSON.stringify(report))), JSON.stringify(report), `${what}: JSON round trip`);
  return report;
}

function encodingOf(report) {
  const check = report.checks.find((c) => c.name === "sm2.signature.encoding");
  return check && check.details && check.details.encoding;
}

/** Deterministic test data of `n` bytes. */
function pattern(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >> 8)) % 251;
  return out;
}

/** API checks: [name, fn(lib)]; each throws on failure. */
export const apiChecks = [
  ["sm3 of \"abc\"", (lib) => {
    const digest = lib.sm3(utf8("abc"));
    ok(digest instanceof Uint8Array, "sm3 returns a Uint8Array");
    eq(hex(digest), ABC_SM3, "sm3(abc)");
    eq(lib.sm3Hex(utf8("abc")), ABC_SM3, "sm3Hex(abc)");
  }],
  ["Sm3 streaming equals one-shot", (lib) => {
    const data = pattern(3 * 65536 + 12345);
    const want = lib.sm3Hex(data);
    const stream = new lib.Sm3();
    const sizes = [0, 1, 7, 63, 64, 65, 1000, 65536];
    let at = 0;
    for (let i = 0; at < data.length; i++) {
      const n = Math.min(sizes[i % sizes.length], data.length - at);
      stream.update(data.subarray(at, at + n));
      at += n;
    }
    eq(hex(stream.digest()), want, "streamed digest");
    eq(stream.hexDigest(), want, "streamed hexDigest (read twice)");
    stream.free();
    const empty = new lib.Sm3();
    eq(empty.hexDigest(), lib.sm3Hex(new Uint8Array(0)), "empty stream");
    empty.free();
  }],
  ["sm2PublicKey gives PEM", (lib) => {
    const pem = lib.sm2PublicKey(PRIVATE_HEX);
    ok(pem.startsWith("-----BEGIN PUBLIC KEY-----"), `not PEM: ${pem}`);
    eq(lib.sm2PublicKey(utf8(PRIVATE_HEX)), pem, "key as bytes");
  }],
  ...["der", "raw"].map((encoding) => [`sign → verify (${encoding})`, (lib) => {
    const pem = lib.sm2PublicKey(PRIVATE_HEX);
    const message = utf8("message digest");
    const sig = lib.sm2Sign(PRIVATE_HEX, message, { encoding });
    ok(sig instanceof Uint8Array, "signature is a Uint8Array");
    if (encoding === "raw") eq(sig.length, 64, "raw length");
    else eq(sig[0], 0x30, "DER starts with SEQUENCE");
    eq(hex(lib.sm2Sign(PRIVATE_HEX, message, { encoding })), hex(sig), "deterministic signature");
    const report = checkReport(lib.sm2Verify(pem, message, sig), "PASSED", "verify");
    eq(report.reason, undefined, "reason of PASSED");
    eq(encodingOf(report), encoding, "encoding detail");
    checkReport(lib.sm2Verify(utf8(pem), message, sig, {}), "PASSED", "key as bytes");
    const flipped = message.slice();
    flipped[0] ^= 1;
    const bad = checkReport(lib.sm2Verify(pem, flipped, sig), "FAILED", "flipped message");
    eq(bad.reason, "BadSignature", "flipped message reason");
  }]),
  ["default signature encoding is DER", (lib) => {
    const sig = lib.sm2Sign(PRIVATE_HEX, utf8("x"));
    eq(sig[0], 0x30, "DER");
  }],
  ["distid option", (lib) => {
    const pem = lib.sm2PublicKey(PRIVATE_HEX);
    const message = utf8("with an ID");
    const sig = lib.sm2Sign(PRIVATE_HEX, message, { distid: "alice@example.cn", encoding: "raw" });
    checkReport(lib.sm2Verify(pem, message, sig, { distid: "alice@example.cn" }), "PASSED", "same ID");
    const other = checkReport(lib.sm2Verify(pem, message, sig), "FAILED", "default ID");
    eq(other.reason, "BadSignature", "default ID reason");
  }],
  ["garbage signature is FAILED Malformed", (lib) => {
    const pem = lib.sm2PublicKey(PRIVATE_HEX);
    const report = checkReport(lib.sm2Verify(pem, utf8("m"), new Uint8Array([1, 2, 3])), "FAILED", "garbage");
    eq(report.reason, "Malformed", "garbage signature reason");
  }],
  ["garbage key throws MalformedKey", (lib) => {
    const sig = new Uint8Array(64).fill(1);
    throwsCode(() => lib.sm2Verify("not a key", utf8("m"), sig), "MalformedKey", "text key");
    throwsCode(() => lib.sm2Verify(new Uint8Array([4, 1, 2]), utf8("m"), sig), "MalformedKey", "bytes key");
    throwsCode(() => lib.sm2Sign("zz", utf8("m")), "MalformedKey", "private key");
  }],
  ["bad arguments and options throw", (lib) => {
    const pem = lib.sm2PublicKey(PRIVATE_HEX);
    const sig = new Uint8Array(64);
    throwsCode(() => lib.sm2Verify(42, utf8("m"), sig), "InvalidArgument", "number key");
    throwsCode(() => lib.sm2Verify(pem, utf8("m"), sig, { distId: "x" }), "InvalidOption", "unknown option");
    throwsCode(() => lib.sm2Verify(pem, utf8("m"), sig, { distid: 5 }), "InvalidOption", "distid type");
    throwsCode(() => lib.sm2Verify(pem, utf8("m"), sig, "x"), "InvalidOption", "options not an object");
    throwsCode(() => lib.sm2Sign(PRIVATE_HEX, utf8("m"), { encoding: "pem" }), "InvalidOption", "encoding");
  }],
  ["runVector reports mismatches", (lib) => {
    const line = JSON.stringify({ id: "t", op: "sm3", msg_ascii: "abc", digest_hex: ABC_SM3 });
    const passed = lib.runVector(line);
    eq(passed.id, "t", "id");
    eq(passed.skipped, false, "skipped");
    eq(lib.runVector("# comment").skipped, true, "comment skipped");
    eq(lib.runVector("").skipped, true, "blank skipped");
    const wrong = line.replace(ABC_SM3, "00".repeat(32));
    const e = throwsCode(() => lib.runVector(wrong), "VectorMismatch", "wrong digest");
    ok(e.message.includes("t:"), `message names the case: ${e.message}`);
  }],
  ["version", (lib) => {
    ok(/^\d+\.\d+\.\d+/.test(lib.version()), `version ${lib.version()}`);
  }],
];

/** True for lines `runVector` skips (blank or comment). */
export function isSkippable(line) {
  const t = line.trim();
  return t === "" || t.startsWith("#");
}

/**
 * The lines of the vector files: [{ file, lineNo, line }], every line of every file
 * (without the empty piece after a final newline).
 */
export function vectorLines(files) {
  const out = [];
  for (const { name, text } of files) {
    const lines = text.split("\n");
    if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
    lines.forEach((line, i) => out.push({ file: name, lineNo: i + 1, line }));
  }
  return out;
}

/** Runs one vector line; throws on a mismatch or a wrong outcome shape. */
export function checkVectorLine(lib, { line }) {
  const outcome = lib.runVector(line);
  if (isSkippable(line)) {
    eq(outcome.skipped, true, "skipped");
  } else {
    eq(outcome.skipped, false, "skipped");
    ok(typeof outcome.id === "string" && outcome.id.length > 0, "case id");
  }
  return outcome;
}

const unhex = (text) => new Uint8Array(text.match(/../g).map((b) => parseInt(b, 16)));

// Every x509_chain vector, run again through the JS API (TrustStore + verifyCertificateChain)
// rather than runVector: the report's status and reason must match the line's expectation.
export function chainChecks(lines) {
  const checks = [];
  for (const { file, lineNo, line } of lines) {
    if (isSkippable(line)) continue;
    const c = JSON.parse(line);
    if (c.op !== "x509_chain") continue;
    checks.push([`verifyCertificateChain ${c.id} (${file}:${lineNo})`, (lib) => {
      const trust = new lib.TrustStore();
      for (const pem of c.anchors) trust.addPem(pem);
      eq(trust.size, c.anchors.length, "anchors added");
      const report = lib.verifyCertificateChain(c.leaf, c.intermediates, trust, {
        at: c.at,
        usage: c.usage,
        revocationRequired: c.revocation_required === true,
        crls: c.crls ?? [],
        ocsp: (c.ocsp ?? []).map(unhex),
      });
      ok(isPlainObject(report), "report is a plain object");
      eq(report.kind, "x509-chain", "kind");
      eq(report.status, c.expect, `${c.id} status (${report.summary})`);
      if (c.expect !== "PASSED" && c.reason) eq(report.reason, c.reason, `${c.id} reason`);
      if (c.expect !== "PASSED") {
        // A validation policy putting every check at WARN: PASSED, each changed check says so.
        const warned = lib.verifyCertificateChain(c.leaf, c.intermediates, trust, {
          at: c.at,
          usage: c.usage,
          revocationRequired: c.revocation_required === true,
          crls: c.crls ?? [],
          ocsp: (c.ocsp ?? []).map(unhex),
          policy: { levels: { "*": "WARN" } },
        });
        eq(warned.status, "PASSED", `${c.id} under a WARN policy (${warned.summary})`);
        ok(warned.checks.some((k) => k.details?.policy_level === "WARN"), `${c.id}: a check has policy_level`);
      }
      trust.free();
    }]);
  }
  checks.push(["verifyCertificateChain rejects bad input with codes", (lib) => {
    const trust = new lib.TrustStore();
    throwsCode(() => trust.addPem("not a certificate"), "MalformedCertificate", "addPem garbage");
    throwsCode(() => trust.addPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", ["nope"]), "InvalidOption", "addPem bad usage");
    throwsCode(() => lib.verifyCertificateChain("junk", [], trust, {}), "MalformedCertificate", "junk leaf");
    throwsCode(() => lib.verifyCertificateChain("junk", [], trust, { colour: "red" }), "InvalidOption", "unknown option");
    throwsCode(() => lib.verifyCertificateChain("junk", [], trust, { policy: { levelz: {} } }), "InvalidOption", "unknown policy key");
    throwsCode(() => lib.verifyCertificateChain("junk", [], trust, { policy: "{\"levels\": {\"x509.*\": \"WARNING\"}}" }), "InvalidOption", "bad policy level");
    trust.free();
  }]);
  return checks;
}

// Every seal_signature vector through the JS API (TrustStore + verifySealSignature), and
// parseSeal on each signed value.
export function sealChecks(lines) {
  const checks = [];
  for (const { file, lineNo, line } of lines) {
    if (isSkippable(line)) continue;
    const c = JSON.parse(line);
    if (c.op !== "seal_signature") continue;
    checks.push([`verifySealSignature ${c.id} (${file}:${lineNo})`, (lib) => {
      const trust = new lib.TrustStore();
      for (const pem of c.anchors) trust.addPem(pem);
      const report = lib.verifySealSignature(unhex(c.signed_value_hex), unhex(c.data_hex), trust, {
        at: c.at,
        revocationRequired: c.revocation_required === true,
        intermediates: c.intermediates,
      });
      ok(isPlainObject(report), "report is a plain object");
      eq(report.kind, "seal-signature", "kind");
      eq(report.status, c.expect, `${c.id} status (${report.summary})`);
      if (c.expect !== "PASSED" && c.reason) eq(report.reason, c.reason, `${c.id} reason`);
      const seal = lib.parseSeal(unhex(c.signed_value_hex));
      eq(seal.name, "某市人民政府办公厅公章", "seal name");
      ok(seal.version === "V4" || seal.version === "V1", "seal version");
      trust.free();
    }]);
  }
  checks.push(["parseSeal rejects garbage with MalformedSeal", (lib) => {
    throwsCode(() => lib.parseSeal(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])), "MalformedSeal", "parseSeal");
  }]);
  return checks;
}

// Every ofd and pdf vector through the JS API (TrustStore + verifyOfd / verifyPdf).
export function ofdChecks(lines) {
  const checks = [];
  for (const { file, lineNo, line } of lines) {
    if (isSkippable(line)) continue;
    const c = JSON.parse(line);
    if (c.op !== "ofd" && c.op !== "pdf") continue;
    const verify = c.op === "ofd" ? "verifyOfd" : "verifyPdf";
    checks.push([`${verify} ${c.id} (${file}:${lineNo})`, (lib) => {
      const trust = new lib.TrustStore();
      for (const pem of c.anchors ?? []) trust.addPem(pem);
      const report = lib[verify](unhex(c.document_hex), trust, {
        at: c.at,
        revocationRequired: c.revocation_required === true,
        intermediates: c.intermediates ?? [],
        signerCertificates: c.signer_certificates ?? [],
      });
      ok(isPlainObject(report), "report is a plain object");
      eq(report.kind, c.op, "kind");
      eq(report.status, c.expect, `${c.id} status (${report.summary})`);
      if (c.expect !== "PASSED" && c.reason) eq(report.reason, c.reason, `${c.id} reason`);
      eq((report.parts ?? []).length, (c.parts ?? []).length, `${c.id} signatures`);
      (c.parts ?? []).forEach((want, i) => eq(report.parts[i].status, want.expect, `${c.id} signature ${i}`));
      trust.free();
    }]);
  }
  return checks;
}

// checkIdentifier through the JS API (also part of apiChecks' neighbours in both runners).
export const identifierChecks = [
  ["checkIdentifier: resident number, licence identifier, mutation", (lib) => {
    const ok = lib.checkIdentifier("11010519491231002X");
    eq(ok.status, "PASSED", "resident number");
    eq(ok.checks[0].details.sex, "female", "sex");
    eq(lib.checkIdentifier("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S").status, "PASSED", "licence id");
    const bad = lib.checkIdentifier("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.T");
    eq(bad.reason, "HashMismatch", "licence id check character");
  }],
];
