// The portal's verifier: a module worker that loads the yinjian package (its entry point,
// ./pkg/index.js: the WASM module with errors as YinjianError subclasses) and runs each
// verification off the page's thread, so a large PDF does not freeze the page and progress
// can be shown while it runs. Messages in: { id, task, input, settings }; out: any number of
// { id, progress }, then { id, result } or { id, error: { name, code, message } }.
import init, * as lib from "./pkg/index.js";

const TOKEN_ALGORITHMS = ["SM2SM3", "ES256", "RS256", "EdDSA"];
const ready = init();

/** Is this a ZIP (an OFD) — the only container an e-invoice comes in here? */
const isZip = (bytes) => bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** The invoice an invoice report read (the `invoice` detail of its `invoice.data` check). */
const invoiceOf = (report) => report.checks.find((c) => c.name === "invoice.data")?.details?.invoice ?? null;

/** The verification options of a document task. */
function documentOptions(settings, onProgress) {
  const opts = { revocationRequired: settings.revocationRequired, intermediates: settings.intermediates };
  if (onProgress) opts.onProgress = onProgress;
  if (settings.at) opts.at = settings.at;
  return opts;
}

/** A TrustStore of PEM texts; the caller frees it. */
function trustStore(pems) {
  const store = new lib.TrustStore();
  for (const pem of pems) store.addPem(pem);
  return store;
}

const tasks = {
  features() {
    return { version: lib.version(), ...lib.buildFeatures() };
  },

  /** How many certificates a PEM text holds (throws on anything that is not one). */
  certificates(pem) {
    const store = new lib.TrustStore();
    try {
      return store.addPem(pem);
    } finally {
      store.free();
    }
  },

  /**
   * An OFD or PDF. An OFD is first verified as an e-invoice: when it holds one, that report
   * (kind `invoice`, the OFD's report its one part) is what is shown. Otherwise it is verified
   * as an e-licence file; one without licence data is a plain signed document, and its report
   * (always the one part) is what is shown. Seal pictures come with it, in the order of the
   * document's signatures.
   */
  document(bytes, settings, onProgress) {
    const trust = trustStore(settings.anchors);
    try {
      const opts = documentOptions(settings, onProgress);
      const invoice = isZip(bytes) ? lib.verifyInvoice(bytes, trust, opts) : null;
      let report = invoice && invoiceOf(invoice) ? invoice : lib.verifyLicenceFile(bytes, trust, opts);
      const data = report.checks.find((c) => c.name === "licence.data");
      if (data?.reason === "Missing" && report.parts?.length === 1) report = report.parts[0];
      let pictures = null;
      try {
        pictures = lib.sealPictures(bytes);
      } catch {
        // The pictures only illustrate the report; a document they cannot be read from has
        // its reason in the report already.
      }
      return { report, pictures };
    } finally {
      trust.free();
    }
  },

  /** An e-invoice: an OFD, or a bare invoice XML (which nothing in it verifies). */
  invoice(bytes, settings) {
    const trust = trustStore(settings.anchors);
    try {
      return { report: lib.verifyInvoice(bytes, trust, documentOptions(settings)) };
    } finally {
      trust.free();
    }
  },

  /**
   * One file of a batch: its line as `yinjian batch` writes it (`batchRecord`, which verifies
   * an OFD once and, when it is an e-invoice, gives the invoice report: kind `invoice`); for an
   * invoice also the whole invoice read (from its report) and the verdict.
   */
  batchRow({ path, bytes }, settings) {
    const trust = trustStore(settings.anchors);
    try {
      const record = lib.batchRecord(path, bytes, trust, documentOptions(settings));
      const invoice = record.kind === "invoice" ? invoiceOf(record.report) : null;
      return invoice ? { record, invoice, status: record.status, reason: record.reason } : { record, invoice: null };
    } finally {
      trust.free();
    }
  },

  /** A seal (.esl) or a seal signature (SignedValue.dat): what it says. */
  seal(bytes) {
    return { seal: lib.parseSeal(bytes) };
  },

  token({ token, jwks }, settings) {
    // The portal inspects tokens from anyone: any issuer and audience, chosen explicitly; the
    // report's token.iss and token.aud checks say they were NOT checked.
    const opts = { algorithms: TOKEN_ALGORITHMS, anyIssuer: true, anyAudience: true };
    if (settings.at) opts.at = settings.at;
    return { report: lib.verifyToken(token, jwks, opts) };
  },

  /** Licence QR code: its text, or the RGBA pixels of a photo or camera frame. */
  qr(input, settings) {
    const opts = {};
    if (settings.at) opts.at = settings.at;
    return { report: lib.verifyLicenceQr(input, settings.issuers, opts) };
  },
};

self.onmessage = async ({ data: { id, task, input, settings } }) => {
  // The library calls onProgress({ step, done, total }); posted on at each new percent or step.
  let last = "";
  const onProgress = ({ step, done, total }) => {
    const now = `${step} ${total > 0 ? Math.floor((100 * done) / total) : 0}`;
    if (now !== last) self.postMessage({ id, progress: { step, done, total } });
    last = now;
  };
  try {
    await ready;
    self.postMessage({ id, result: tasks[task](input, settings, onProgress) });
  } catch (e) {
    self.postMessage({ id, error: { name: e?.name ?? "Error", code: e?.code, message: String(e?.message ?? e) } });
  }
};
