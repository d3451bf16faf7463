// tsc --strict over the installed package with the Vite template's compiler options
// (tests/package/run.mjs): the types a browser project sees.
import init, { InvalidArgumentError, TrustStore, verifyDocument, YinjianError } from "yinjian";
import type { Report, Status, VerifyDocumentOptions } from "yinjian";
import { verifyOfd } from "yinjian/verify-only";

export async function check(file: File, rootPem: string): Promise<Status> {
  await init();
  const trust = new TrustStore();
  trust.addPem(rootPem);
  const options: VerifyDocumentOptions = { revocationRequired: false, kind: "ofd" };
  const report: Report = verifyDocument(await file.arrayBuffer(), trust, options);
  const slim: Report = verifyOfd(new Uint8Array(await file.arrayBuffer()), trust);
  try {
    verifyDocument(new Uint8Array(0), trust, { onProgress: ({ step, done, total }) => console.log(step, done / total) });
  } catch (e) {
    if (e instanceof InvalidArgumentError || e instanceof YinjianError) return e.code === "Internal" ? "FAILED" : slim.status;
  }
  for (const part of report.parts ?? []) console.log(part.status, part.reason);
  return report.status;
}
