// The third-party corpus for the node, browser and portal tests, found as the Rust tests find it
// (core/tests/common/mod.rs): $YINJIAN_CORPUS, by default ../shared/corpus beside the repository.
// A test without it skips with one line naming what it skipped, counted in
// target/tmp/corpus-skipped.txt for scripts/test; under CI=true a missing corpus is a failure.
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../../..", import.meta.url));

/** The corpus folder, whether or not it is there. */
export const corpusRoot = process.env.YINJIAN_CORPUS
  ? resolve(process.env.YINJIAN_CORPUS)
  : join(repo, "..", "shared", "corpus");

/**
 * The path of `rel` inside the corpus, or null when it is absent: then one SKIPPED line names
 * `what` (the test skipped) and the skip is logged. Throws under CI=true instead.
 */
export function corpusPath(rel, what) {
  const path = join(corpusRoot, rel);
  if (existsSync(path)) return path;
  if (process.env.CI === "true") {
    throw new Error(`${path} is missing: CI must have the corpus (set YINJIAN_CORPUS)`);
  }
  console.error(
    `SKIPPED: ${what}: ${path} not found (set YINJIAN_CORPUS to the corpus folder; scripts/get-corpus DIR fetches its public parts)`,
  );
  try {
    const target = resolve(repo, process.env.CARGO_TARGET_DIR || "target");
    const log = join(target, "tmp", "corpus-skipped.txt");
    mkdirSync(dirname(log), { recursive: true });
    appendFileSync(log, `js::${what}\t${path}\n`);
  } catch {
    // The count is a courtesy: a read-only tree still runs the tests.
  }
  return null;
}
