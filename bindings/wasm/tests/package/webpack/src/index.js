// The webpack 5 app of tests/package/run.mjs: verifies the bundled sample OFD with the
// installed package and publishes the outcome on window.__result.
import init, { TrustStore, verifyDocument, version, YinjianError } from "yinjian";

const sample = new URL("./notice.ofd", import.meta.url);
const root = new URL("./root.pem", import.meta.url);
const intermediate = new URL("./int.pem", import.meta.url);

async function main() {
  let early;
  try {
    new TrustStore();
  } catch (e) {
    early = e instanceof YinjianError ? e.code : String(e);
  }
  await init();
  const fetched = async (url) => (await fetch(url)).arrayBuffer();
  const trust = new TrustStore();
  trust.addPem(new Uint8Array(await fetched(root)));
  const bytes = await fetched(sample);
  const options = { intermediates: [new Uint8Array(await fetched(intermediate))], revocationRequired: false };
  const report = verifyDocument(bytes, trust, options);
  const untrusted = verifyDocument(bytes, new TrustStore(), options);
  window.__result = { version: version(), early, status: report.status, kind: report.kind, untrusted: untrusted.status };
  document.querySelector("#out").textContent = JSON.stringify(window.__result);
}
main().catch((e) => {
  window.__result = { error: `${e && e.code ? `[${e.code}] ` : ""}${e && e.message ? e.message : e}` };
});
