// Every *.jsonl below test-vectors/, as paths relative to it ("x509/sm2-chains.jsonl"),
// sorted: the same set the native runner (core/tests/vectors.rs) reads. Node only.
import { readdirSync } from "node:fs";
import { join } from "node:path";

export function vectorFiles(dir, prefix = "") {
  const out = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...vectorFiles(dir, rel));
    else if (entry.name.endsWith(".jsonl")) out.push(rel);
  }
  return out.sort();
}
