// Native and WASM give the same report for every case: each line of test-vectors/*.jsonl, and
// each file of the shared corpus (OFD, PDF, x509-limbo) made into a case of the same runner.
// The native side is the CLI (`yinjian vectors --reports`, built by scripts/test-wasm; or
// $YINJIAN_CLI); the WASM side is vectorReport from the package. The corpus documents are
// also verified through the public verifyOfd/verifyPdf, which must agree with both.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { vectorFiles } from "../shared/vector-files.mjs";
import { corpusPath, corpusRoot } from "../shared/corpus.mjs";

// The test-vector runner is the subpath `yinjian/test-vectors`, not in the default entry.
const lib = { ...(await import("../../pkg-node/index.mjs")), ...(await import("../../pkg-node/test-vectors.mjs")) };
const repo = fileURLToPath(new URL("../../../..", import.meta.url));
const corpus = ["ofd", "pdf", "x509-limbo/limbo.json"].every((rel) => corpusPath(rel, "parity: the corpus cases"))
  ? corpusRoot
  : null;
const cli = process.env.YINJIAN_CLI || join(repo, "target", "debug", "yinjian");
/** Validation time of the corpus cases (no anchors: chains end untrusted, the same on both sides). */
const AT = "2026-06-01T00:00:00Z";

/** JSON text with every object's keys sorted, so key order cannot hide or fake a difference. */
function canonical(value) {
  const sort = (v) =>
    Array.isArray(v)
      ? v.map(sort)
      : v !== null && typeof v === "object"
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])]))
        : v;
  return JSON.stringify(sort(value));
}

/** The corpus as runner cases: one line per OFD, PDF and x509-limbo test case. */
function corpusLines() {
  const lines = [];
  for (const [dir, op, ext] of [["ofd", "ofd", ".ofd"], ["pdf", "pdf", ".pdf"]]) {
    for (const name of readdirSync(join(corpus, dir)).filter((n) => n.endsWith(ext)).sort()) {
      const hex = readFileSync(join(corpus, dir, name)).toString("hex");
      lines.push(JSON.stringify({ id: `corpus/${dir}/${name}`, op, document_hex: hex, at: AT, expect: "any" }));
    }
  }
  const limbo = JSON.parse(readFileSync(join(corpus, "x509-limbo", "limbo.json"), "utf8"));
  for (const c of limbo.testcases) lines.push(JSON.stringify({ id: `limbo/${c.id}`, op: "x509_limbo", case: c }));
  return lines;
}

/** id → canonical report, from the native CLI over `files`. */
function nativeReports(files) {
  const run = spawnSync(cli, ["vectors", "--reports", ...files], { encoding: "utf8", maxBuffer: 1 << 30 });
  assert.equal(run.status, 0, `${cli} vectors --reports: ${run.stderr || run.error}`);
  const out = new Map();
  for (const line of run.stdout.split("\n").filter(Boolean)) {
    const { id, report } = JSON.parse(line);
    out.set(id, canonical(report));
  }
  return out;
}

test("native and WASM reports agree on every vector and corpus case", { skip: !corpus && "no corpus (YINJIAN_CORPUS)" }, () => {
  assert.ok(existsSync(cli), `${cli} is missing: cargo build -p yinjian-cli (or set YINJIAN_CLI)`);
  const dir = mkdtempSync(join(tmpdir(), "yinjian-parity-"));
  try {
    const corpusFile = join(dir, "corpus.jsonl");
    const corpusText = corpusLines().join("\n");
    writeFileSync(corpusFile, corpusText);
    const vectorDir = join(repo, "test-vectors");
    const files = [...vectorFiles(vectorDir).map((n) => join(vectorDir, n)), corpusFile];
    const native = nativeReports(files);
    let compared = 0;
    const differ = [];
    for (const file of files) {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        const got = lib.vectorReport(line);
        if (got === null) continue;
        compared++;
        if (native.get(got.id) !== canonical(got.report)) differ.push(got.id);
      }
    }
    console.log(`parity: ${compared} reports compared (${native.size} native), ${differ.length} differ`);
    assert.deepEqual(differ, []);
    assert.equal(compared, native.size, "both sides made the same number of reports");
    assert.ok(compared > 400, `only ${compared} reports`);

    // The public API gives the runner's report for the corpus documents.
    const trust = new lib.TrustStore();
    for (const line of corpusText.split("\n")) {
      const c = JSON.parse(line);
      if (c.op !== "ofd" && c.op !== "pdf") continue;
      const bytes = Uint8Array.from(Buffer.from(c.document_hex, "hex"));
      const verify = c.op === "ofd" ? lib.verifyOfd : lib.verifyPdf;
      const report = verify(bytes, trust, { at: AT, revocationRequired: false });
      assert.equal(canonical(report), native.get(c.id), `${c.id} through ${c.op === "ofd" ? "verifyOfd" : "verifyPdf"}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
