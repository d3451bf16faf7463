// The npm package as a user gets it (run by scripts/test-wasm, after scripts/build-npm):
//   1. `npm pack` of bindings/wasm (prepack: scripts/build-npm, here only checking the built
//      outputs): pkg-web, pkg-node and pkg-verify shipped, nothing else; the sizes printed;
//      a copy of the package without the builds refuses to pack, saying why;
//   2. the tarball installed (`npm install --no-save`) into this fixture package;
//   3. the README's code blocks: its browser example is the Vite app, built with `vite build`
//      (and served by Vite's dev server in step 5);
//      every other JS block runs in node as written (in work/node, beside the sample);
//   4. a webpack 5 app (webpack/) built with webpack-cli;
//   5. both apps loaded in headless Chromium, each verifying the bundled sample OFD;
//   6. node: an ES module and a CommonJS script on the entry points (node/); CommonJS (here and
//      the README's) runs with --no-experimental-require-module, as on node before 20.19;
//   7. tsc --strict over ts/usage.ts with the Vite template's lib.
// Needs `npm ci` here (scripts/setup-wasm) and bindings/wasm's node_modules (playwright-core,
// typescript). Exits non-zero on any failure.
import { execFileSync, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { collectErrors, launchChromium } from "../shared/chromium.mjs";

const here = fileURLToPath(new URL(".", import.meta.url));
const wasmDir = join(here, "..", "..");
const repo = join(wasmDir, "..", "..");
const work = join(here, "work");
const bin = (name) => join(here, "node_modules", ".bin", name);
const samples = {
  "notice.ofd": join(repo, "test-vectors/sample/notice.ofd"),
  "root.pem": join(repo, "test-vectors/x509/sm2/certs/root.pem"),
  "int.pem": join(repo, "test-vectors/x509/sm2/certs/int.pem"),
};

let failures = 0;
function fail(message) {
  failures++;
  console.error(`npm-package: FAILED: ${message}`);
}
const started = Date.now();
function step(name, fn) {
  const t = Date.now();
  try {
    const result = fn();
    console.log(`npm-package: ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
    return result;
  } catch (e) {
    fail(`${name}: ${e.stderr?.toString() || ""}${e.stdout?.toString().slice(-2000) || ""}${e.message}`);
    return undefined;
  }
}
/** Runs a command; its output, or a thrown error with it. */
function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
}
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;
/** node's arguments for a script: CommonJS without require(esm), as node before 20.19 runs it. */
const nodeArgs = (name) => (name.endsWith(".cjs") ? ["--no-experimental-require-module", name] : [name]);

if (!existsSync(join(here, "node_modules", "vite"))) {
  console.error("npm-package: bindings/wasm/tests/package/node_modules is missing: run scripts/setup-wasm");
  process.exit(1);
}
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// 1. npm pack
const packDir = mkdtempSync(join(tmpdir(), "yinjian-pack-"));
const packed = step("npm pack", () => {
  const out = run("npm", ["pack", "--json", "--pack-destination", packDir], {
    cwd: wasmDir,
    env: { ...process.env, YINJIAN_NPM_PREBUILT: "1" },
  });
  const info = JSON.parse(out.slice(out.indexOf("[\n")))[0];
  const paths = info.files.map((f) => f.path);
  for (const dir of ["pkg-web", "pkg-node", "pkg-verify"]) {
    if (!paths.some((p) => p === `${dir}/yinjian_wasm_bg.wasm`)) throw new Error(`the tarball has no ${dir}/yinjian_wasm_bg.wasm`);
  }
  const stray = paths.filter((p) => !/^(pkg-web|pkg-node|pkg-verify)\//.test(p) && !["package.json", "README.md"].includes(p));
  if (stray.length) throw new Error(`the tarball ships more than the builds: ${stray.join(", ")}`);
  const manifest = JSON.parse(readFileSync(join(wasmDir, "package.json"), "utf8"));
  const targets = JSON.stringify(manifest.exports).match(/\.\/pkg-[^"]+/g);
  const missing = targets.filter((t) => !paths.includes(t.slice(2)));
  if (missing.length) throw new Error(`exports name files the tarball lacks: ${missing.join(", ")}`);
  return { file: join(packDir, info.filename), size: info.size, unpacked: info.unpackedSize, entries: info.entryCount };
});
const verifyWasm = join(wasmDir, "pkg-verify", "yinjian_wasm_bg.wasm");
if (packed) {
  const wasmSize = (path) => {
    const wasm = readFileSync(path);
    return `${wasm.length} bytes, ${gzipSync(wasm, { level: 9 }).length} gzipped (zlib level 9)`;
  };
  console.log(
    `npm-package: size: tarball ${packed.size} bytes packed (${mb(packed.size)}), ${packed.unpacked} unpacked (${mb(packed.unpacked)}), ${packed.entries} files; ` +
      `.wasm a page downloads: yinjian ${wasmSize(join(wasmDir, "pkg-web", "yinjian_wasm_bg.wasm"))}, yinjian/verify-only ${wasmSize(verifyWasm)}`,
  );
}

// 1b. A copy of the package as a fresh clone has it (no builds) must refuse to pack.
step("npm pack without the builds refuses", () => {
  const clone = mkdtempSync(join(tmpdir(), "yinjian-clone-"));
  try {
    const pkg = join(clone, "bindings", "wasm");
    mkdirSync(join(clone, "scripts"), { recursive: true });
    mkdirSync(pkg, { recursive: true });
    copyFileSync(join(repo, "scripts", "build-npm"), join(clone, "scripts", "build-npm"));
    for (const f of ["package.json", "README.md"]) copyFileSync(join(wasmDir, f), join(pkg, f));
    cpSync(join(wasmDir, "js"), join(pkg, "js"), { recursive: true });
    const result = spawnSync("npm", ["pack", "--pack-destination", clone], {
      cwd: pkg,
      encoding: "utf8",
      env: { ...process.env, YINJIAN_NPM_PREBUILT: "1" },
    });
    const said = `${result.stdout}${result.stderr}`;
    if (result.status === 0) throw new Error("npm pack succeeded without the builds");
    if (!said.includes("the package is incomplete")) throw new Error(`npm pack failed without saying why:\n${said}`);
    if (readdirSync(clone).some((f) => f.endsWith(".tgz"))) throw new Error("a tarball was written");
  } finally {
    rmSync(clone, { recursive: true, force: true });
  }
});

// 2. install the tarball
if (packed) {
  step("npm install <tarball>", () =>
    run("npm", ["install", "--no-save", "--offline", "--no-audit", "--no-fund", packed.file], { cwd: here }),
  );
}
rmSync(packDir, { recursive: true, force: true });

// 3. the README's code blocks
const readme = readFileSync(join(wasmDir, "README.md"), "utf8");
const blocks = [...readme.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)].map(([, lang, text]) => ({ lang, text }));
const viteDir = join(work, "vite");
const nodeDir = join(work, "node");
mkdirSync(join(viteDir, "public"), { recursive: true });
mkdirSync(nodeDir, { recursive: true });
for (const [name, path] of Object.entries(samples)) {
  copyFileSync(path, join(nodeDir, name));
  if (name.endsWith(".pem")) copyFileSync(path, join(viteDir, "public", name));
}
/** What each node block must print. */
const EXPECT = {
  "verify.mjs": [/^PASSED /],
  "verify.cjs": [/^PASSED$/m],
  "api.mjs": [/^PASSED /m, /^true InvalidOption$/m, /^true InvalidArgument$/m, /^66c7f0f4/m, /^true$/m, /^signature 1\/1$/m],
};
const nodeBlocks = [];
for (const { lang, text } of blocks) {
  if (lang === "sh") continue; // npm install (step 2) and the build commands (this script's caller)
  if (lang === "html") {
    writeFileSync(join(viteDir, "index.html"), text);
    continue;
  }
  const name = text.match(/^\/\/ ([\w.-]+)/)?.[1];
  if (lang !== "js" || !name) {
    fail(`README: a ${lang} block that names no file in its first line ("// main.js"): nothing runs it`);
    continue;
  }
  if (name === "main.js") writeFileSync(join(viteDir, name), text);
  else if (EXPECT[name]) nodeBlocks.push({ name, text });
  else fail(`README: block ${name} has no expectation in tests/package/run.mjs`);
}
for (const { name, text } of nodeBlocks) {
  step(`README ${name} runs in node`, () => {
    writeFileSync(join(nodeDir, name), text);
    const out = run("node", nodeArgs(name), { cwd: nodeDir });
    for (const want of EXPECT[name]) {
      if (!want.test(out)) throw new Error(`${name} printed no ${want}:\n${out}`);
    }
  });
}
for (const name of ["index.html", "main.js"]) {
  if (!existsSync(join(viteDir, name))) fail(`README: no ${name} block for the Vite app`);
}

// 4. the builds
step("vite build (README's browser example)", () => run(bin("vite"), ["build", "--logLevel", "warn"], { cwd: viteDir }));
const webpackDir = join(work, "webpack");
step("webpack build", () => {
  cpSync(join(here, "webpack"), webpackDir, { recursive: true });
  for (const [name, path] of Object.entries(samples)) copyFileSync(path, join(webpackDir, "src", name));
  run(bin("webpack"), ["--config", join(webpackDir, "webpack.config.cjs")], { cwd: webpackDir });
  copyFileSync(join(webpackDir, "index.html"), join(webpackDir, "dist", "index.html"));
});
for (const dist of [join(viteDir, "dist"), join(webpackDir, "dist")]) {
  const files = existsSync(dist) ? readdirSync(dist, { recursive: true }).map(String) : [];
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  if (!wasm.length) fail(`${dist}: no .wasm emitted`);
  const bytes = files.map((f) => join(dist, f)).filter((f) => statSync(f).isFile()).reduce((n, f) => n + statSync(f).size, 0);
  console.log(`npm-package: ${dist.slice(work.length + 1)}: ${files.length} files, ${mb(bytes)} (${wasm.join(", ")})`);
}

// 5. Chromium
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".wasm": "application/wasm", ".pem": "text/plain" };
function serveDir(dir) {
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path === "/favicon.ico") {
      res.writeHead(204).end();
      return;
    }
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(dir, path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}
const profile = mkdtempSync(join(tmpdir(), "yinjian-package-chromium-"));
const context = await launchChromium(chromium, profile);
/** `drive(page)` on `dir` served from 127.0.0.1, or on `url`. */
async function inChromium(name, dir, drive, url) {
  const t = Date.now();
  const server = dir && (await serveDir(dir));
  const page = await context.newPage();
  await page.route("**/favicon.ico", (route) => route.fulfill({ status: 204 }));
  const errors = collectErrors(page);
  try {
    await page.goto(url ?? `http://127.0.0.1:${server.address().port}/`);
    const outcome = await drive(page);
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    console.log(`npm-package: ${name} in Chromium: ${outcome} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  } catch (e) {
    fail(`${name} in Chromium: ${e.message}${errors.length ? ` (page errors: ${errors.join("; ")})` : ""}`);
  } finally {
    await page.close();
    server?.close();
  }
}
/** The README's page: the user picks the sample; the verdict is shown. */
async function pickSample(page) {
  await page.waitForSelector("#file:enabled", { timeout: 30_000 });
  await page.setInputFiles("#file", samples["notice.ofd"]);
  await page.waitForFunction(() => /^(PASSED|FAILED|INDETERMINATE)/.test(document.querySelector("#out").textContent), null, { timeout: 30_000 });
  const out = await page.textContent("#out");
  if (!out.startsWith("PASSED")) throw new Error(`the sample is not PASSED: ${out}`);
  return out;
}
await inChromium("Vite app (vite build)", join(viteDir, "dist"), pickSample);
// The same app from Vite's dev server (dependency pre-bundling included).
{
  const { createServer: createViteServer } = await import("vite");
  const vite = await createViteServer({
    root: viteDir,
    logLevel: "error",
    cacheDir: join(work, "vite-cache"),
    server: { host: "127.0.0.1", port: 0 },
  });
  await vite.listen();
  await inChromium("Vite app (dev server)", null, pickSample, vite.resolvedUrls.local[0]);
  await vite.close();
}
await inChromium("webpack app", join(webpackDir, "dist"), async (page) => {
  await page.waitForFunction(() => window.__result, null, { timeout: 30_000 });
  const result = await page.evaluate(() => window.__result);
  const want = { early: "NotInitialised", status: "PASSED", kind: "ofd", untrusted: "INDETERMINATE" };
  for (const [key, value] of Object.entries(want)) {
    if (result[key] !== value) throw new Error(`${key}: ${result[key]}, expected ${value} (${JSON.stringify(result)})`);
  }
  return JSON.stringify(result);
});
await context.close();
rmSync(profile, { recursive: true, force: true });

// 6. node entry points
for (const name of ["exports.mjs", "exports.cjs"]) {
  step(`node ${name}`, () => {
    copyFileSync(join(here, "node", name), join(nodeDir, name));
    run("node", nodeArgs(name), { cwd: nodeDir });
  });
}

// 7. TypeScript with the Vite template's (create-vite vanilla-ts) lib and module settings, and
//    without its skipLibCheck, so that the declarations themselves are checked too
step("tsc --strict (Vite template lib)", () =>
  run(join(wasmDir, "node_modules", ".bin", "tsc"), [
    "--noEmit", "--strict", "--target", "ES2020", "--lib", "ES2020,DOM,DOM.Iterable", "--module", "ESNext",
    "--moduleResolution", "bundler", "--isolatedModules", "--noUnusedLocals", "--noUnusedParameters",
    join(here, "ts", "usage.ts"),
  ]),
);

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`npm-package: ${failures ? `${failures} FAILED` : "all passed"} (${seconds} s)`);
process.exit(failures ? 1 : 0);
