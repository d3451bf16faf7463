// The in-browser half of the Chromium test: loads the --target web build, runs every line of
// every test-vectors/*.jsonl and the API checks, and publishes the outcome on
// window.__results = { done, passed, failed, cases, failures: [{ name, message }], sm2VerifyPerSec }.
// sm2VerifyPerSec is measured last (SM2 verification in this browser, wall clock, about one
// second), for issue 10's WASM speed figure; run-chromium.mjs prints it.
import init, * as entry from "/pkg-web/index.js";
import * as vectors from "/pkg-web/test-vectors.js";
import { measureSpeed } from "/tests/shared/speed.js";
import { apiChecks, chainChecks, checkVectorLine, identifierChecks, isSkippable, ofdChecks, sealChecks, vectorLines } from "/tests/shared/suite.js";

// The test-vector runner is the subpath `yinjian/test-vectors`, not in the default entry.
const lib = { ...entry, ...vectors };
const results = { done: false, passed: 0, failed: 0, cases: 0, failures: [] };
window.__results = results;

function record(name, fn) {
  try {
    fn();
    results.passed++;
  } catch (e) {
    results.failed++;
    results.failures.push({ name, message: `${e && e.code ? `[${e.code}] ` : ""}${e && e.message ? e.message : e}` });
  }
}

async function main() {
  await init();
  const names = await (await fetch("/test-vectors/")).json();
  const files = [];
  for (const name of names) {
    const response = await fetch(`/test-vectors/${encodeURIComponent(name)}`);
    if (!response.ok) throw new Error(`GET ${name}: ${response.status}`);
    files.push({ name, text: await response.text() });
  }
  const lines = vectorLines(files);
  results.cases = lines.filter(({ line }) => !isSkippable(line)).length;
  record(`vector files hold cases (${files.length} files, ${results.cases} cases)`, () => {
    if (files.length === 0 || results.cases === 0) throw new Error("no vector cases");
  });
  for (const entry of lines) record(`vector ${entry.file}:${entry.lineNo}`, () => checkVectorLine(lib, entry));
  for (const [name, check] of [...apiChecks, ...chainChecks(lines), ...sealChecks(lines), ...ofdChecks(lines), ...identifierChecks]) record(`api: ${name}`, () => check(lib));
  record("sm2 verify speed", () => {
    results.sm2VerifyPerSec = sm2VerifyRate(1000);
  });
  // Speed beside sm-crypto (loaded by index.html from its UMD build as window.sm2/window.sm3)
  // and the e-invoice OFD timing, on the corpus files the server finds.
  const corpus = {};
  for (const name of ["1.ofd", "SESV4SignDoc.ofd"]) {
    const response = await fetch(`/corpus/ofd/${name}`);
    if (response.ok) corpus[name] = new Uint8Array(await response.arrayBuffer());
  }
  record("speed beside sm-crypto", () => {
    results.speed = measureSpeed(lib, { sm2: window.sm2, sm3: window.sm3 }, corpus, 700);
  });
}

/** SM2 verifications per second (key, Z, signature and report each time), for `ms` milliseconds. */
function sm2VerifyRate(ms) {
  const priv = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
  const key = lib.sm2PublicKey(priv);
  const message = new TextEncoder().encode("e-invoice 2026 #0001: a message of some length");
  const sig = lib.sm2Sign(priv, message, { encoding: "der" });
  if (lib.sm2Verify(key, message, sig).status !== "PASSED") throw new Error("speed signature does not verify");
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 10; i++) lib.sm2Verify(key, message, sig);
    n += 10;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

main()
  .catch((e) => {
    results.failed++;
    results.failures.push({ name: "page", message: String(e && e.stack ? e.stack : e) });
  })
  .finally(() => {
    const summary = document.getElementById("summary");
    summary.textContent = `yinjian ${lib.version ? safeVersion() : "?"}: ${results.passed} passed, ${results.failed} failed ` +
      `(${results.cases} vector cases, ${apiChecks.length} API checks) in ${navigator.userAgent}`;
    summary.className = results.failed === 0 ? "pass" : "fail";
    document.getElementById("failures").textContent =
      results.failures.map((f) => `${f.name}: ${f.message}`).join("\n");
    results.done = true;
  });

function safeVersion() {
  try {
    return lib.version();
  } catch {
    return "?";
  }
}
