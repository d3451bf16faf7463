// Type-checks the node entry point's declarations (pkg-node/index.d.mts), as usage.ts does
// for the browser one: what `import "yinjian"` gives in node.
import init, { TrustStore, verifyOfd, YinjianError, type Report } from "../../pkg-node/index.mjs";

export async function usage(bytes: Uint8Array, pem: string): Promise<Report | string> {
  await init();
  const trust = new TrustStore();
  trust.addPem(pem);
  try {
    return verifyOfd(bytes, trust, { revocationRequired: false });
  } catch (e) {
    return e instanceof YinjianError ? e.code : "other";
  }
}
