// Chromium test of the WASM build: node bindings/wasm/tests/browser/run-chromium.mjs
// Serves bindings/wasm/pkg-web, bindings/wasm/tests and test-vectors from 127.0.0.1 on an
// ephemeral port, opens tests/browser/index.html in headless Chromium (/usr/bin/chromium,
// or $CHROMIUM) through playwright-core, waits for window.__results, saves a screenshot to
// test-output/wasm-browser.png and exits non-zero on any failure or after 120 s.
import { createServer } from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { vectorFiles } from "../shared/vector-files.mjs";
import { speedLines, speedProblems } from "../shared/speed.js";
import { collectErrors, launchChromium } from "../shared/chromium.mjs";
import { corpusPath, corpusRoot } from "../shared/corpus.mjs";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const TIMEOUT_MS = 120_000;
const wasmDir = fileURLToPath(new URL("../..", import.meta.url));
const repo = join(wasmDir, "..", "..");
const vectorDir = join(repo, "test-vectors");
const outDir = join(repo, "test-output");
// The e-invoice timing uses the corpus OFDs when they are there.
corpusPath("ofd", "browser speed: verifyOfd on the corpus e-invoices");
const corpusDir = corpusRoot;
const roots = {
  "/pkg-web/": join(wasmDir, "pkg-web"),
  "/sm-crypto/": join(wasmDir, "node_modules", "sm-crypto", "dist"),
  "/corpus/": corpusDir,
  "/tests/": join(wasmDir, "tests"),
  "/test-vectors/": vectorDir,
};
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".jsonl": "text/plain; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

function serve(req, res) {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  if (path === "/favicon.ico") {
    res.writeHead(204).end();
    return;
  }
  if (path === "/test-vectors/") {
    const names = vectorFiles(vectorDir);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(names));
    return;
  }
  for (const [prefix, dir] of Object.entries(roots)) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir + sep)) break;
    try {
      if (!statSync(file).isFile()) break;
      const type = types[extname(file)] ?? "application/octet-stream";
      res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(readFileSync(file));
      return;
    } catch {
      break;
    }
  }
  res.writeHead(404, { "content-type": "text/plain" }).end("not found");
}

let failed = true;
const server = createServer(serve);
const profile = mkdtempSync(join(tmpdir(), "yinjian-chromium-"));
let context;
const timer = setTimeout(() => {
  console.error(`wasm-chromium: timed out after ${TIMEOUT_MS / 1000} s`);
  process.exit(2);
}, TIMEOUT_MS);

try {
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${server.address().port}/tests/browser/index.html`;
  context = await launchChromium(chromium, profile);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = collectErrors(page);
  await page.goto(url);
  await page.waitForFunction(() => window.__results && window.__results.done, null, { timeout: TIMEOUT_MS - 10_000 });
  const results = await page.evaluate(() => window.__results);
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: join(outDir, "wasm-browser.png"), fullPage: true });
  for (const f of results.failures) console.error(`FAIL ${f.name}: ${f.message}`);
  for (const e of pageErrors) console.error(`page error: ${e}`);
  if (results.cases <= 0) console.error("wasm-chromium: no vector cases ran");
  failed = results.failed > 0 || results.cases <= 0 || pageErrors.length > 0;
  console.log(`wasm-chromium: ${results.cases} vector cases; screenshot test-output/wasm-browser.png`);
  console.log(`wasm-chromium: ${results.passed} passed, ${results.failed} failed`);
  if (results.sm2VerifyPerSec) console.log(`wasm-chromium: sm2 verify ${results.sm2VerifyPerSec.toFixed(0)}/s`);
  if (results.speed) {
    for (const line of speedLines(results.speed)) console.log(`wasm-chromium: ${line}`);
    const problems = speedProblems(results.speed);
    for (const p of problems) console.error(`wasm-chromium: ${p}`);
    if (problems.length > 0) failed = true;
  } else {
    console.error("wasm-chromium: no speed figures");
    failed = true;
  }
} catch (e) {
  console.error(`wasm-chromium: ${e && e.stack ? e.stack : e}`);
} finally {
  clearTimeout(timer);
  if (context) await context.close().catch(() => {});
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
