#!/usr/bin/env node
// Verify every signature of an OFD or PDF document with the npm package `yinjian` in node,
// and print the verdict per signature (or the JSON report with --json).
//
//   node examples/node/verify.mjs DOC.ofd|DOC.pdf --anchors ROOT.pem [--anchors …]
//        [--intermediates CA.pem …] [--at 2027-06-01T00:00:00Z] [--require-revocation] [--json]
//
// Exit codes: 0 PASSED, 1 FAILED, 2 INDETERMINATE or a usage or input error.
//
// This file loads the package's node entry point from this repository (scripts/build-wasm
// makes bindings/wasm/pkg-node). A project that installed the package writes instead:
//   import { verifyOfd, verifyPdf, TrustStore } from "yinjian";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { verifyOfd, verifyPdf, TrustStore } from "../../bindings/wasm/pkg-node/index.mjs";

const EXIT_CODES = { PASSED: 0, FAILED: 1, INDETERMINATE: 2 };
const EXIT_USAGE = 2;

function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      anchors: { type: "string", multiple: true, default: [] },
      intermediates: { type: "string", multiple: true, default: [] },
      at: { type: "string" },
      "require-revocation": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1 || values.anchors.length === 0) {
    throw new Error("usage: verify.mjs DOCUMENT --anchors ROOT.pem [--intermediates CA.pem] [--at TIME] [--json]");
  }

  // Anchors are built once into a TrustStore (reuse it across documents); intermediates and
  // the options go with each call. Without `at` the package takes the current time.
  const trust = new TrustStore();
  for (const path of values.anchors) {
    trust.addPem(readFileSync(path, "utf8"));
  }
  const options = {
    intermediates: values.intermediates.map((path) => readFileSync(path, "utf8")),
    revocationRequired: values["require-revocation"],
  };
  if (values.at !== undefined) {
    options.at = values.at;
  }

  const document = readFileSync(positionals[0]);
  const verify = kindOf(document);
  if (!verify) {
    throw new Error(`${positionals[0]}: neither an OFD package nor a PDF`);
  }
  const report = verify(document, trust, options);

  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    printSummary(report);
  }
  return EXIT_CODES[report.status] ?? EXIT_USAGE;
}

/** The verifier for the document's first bytes: `PK` (ZIP) is OFD, `%PDF` is PDF. */
function kindOf(bytes) {
  const head = bytes.subarray(0, 4).toString("latin1");
  if (head.startsWith("PK")) return verifyOfd;
  if (head === "%PDF") return verifyPdf;
  return null;
}

/** The verdict, then a line per signature: status, signer, seal, and why when not PASSED. */
function printSummary(report) {
  console.log(`${report.status}  ${report.summary}`);
  (report.parts ?? []).forEach((part, i) => {
    let line = `signature ${i + 1}: ${part.status}`;
    if (part.subject.signer) line += `  signer: ${part.subject.signer}`;
    if (part.subject.seal) line += `  seal: ${part.subject.seal}`;
    if (part.subject.signing_time) line += `  signed: ${part.subject.signing_time}`;
    console.log(line);
    const deciding = part.checks.find((check) => check.status === part.status && part.status !== "PASSED");
    if (deciding) {
      console.log(`  ${deciding.name}${deciding.reason ? ` [${deciding.reason}]` : ""}: ${deciding.message}`);
    }
  });
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  console.error(`verify.mjs: ${error.message}`);
  process.exitCode = EXIT_USAGE;
}
