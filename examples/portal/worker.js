// The portal's verifier: a module worker that loads the yinjian WASM package and runs each
// verification off the page's thread (a large PDF does not freeze the page, and progress can
// be shown while it runs). Messages in: { id, task, input, settings }; out: { id, progress },
// then { id, result } or { id, error: { name, code, message } }.
import init, * as lib from "./pkg/yinjian_wasm.js";

const TOKEN_ALGORITHMS = ["SM2SM3", "ES256", "RS256", "EdDSA"];
const has = (name) => typeof lib[name] === "function";

const ready = init().then(() => {
  // Builds that know `onProgress` accept it; older ones refuse unknown options (InvalidOption).
  const probe = new lib.TrustStore();
  try {
    lib.verifyOfd(new Uint8Array(0), probe, { onProgress() {} });
    return { progress: true };
  } catch {
    return { progress: false };
  } finally {
    probe.free();
  }
});

/** A TrustStore of PEM texts; the caller frees it. */
function trustStore(pems) {
  const store = new lib.TrustStore();
  for (const pem of pems) store.addPem(pem);
  return store;
}

/** Options shared by every document verification. */
function documentOptions(settings) {
  const opts = { revocationRequired: settings.revocationRequired, intermediates: settings.intermediates };
  if (settings.at) opts.at = settings.at;
  return opts;
}

const tasks = {
  features(_input, _settings, _progress, caps) {
    return {
      version: has("version") ? lib.version() : "",
      licenceFile: has("verifyLicenceFile"),
      sealPictures: has("sealPictures"),
      qrImage: has("licenceQrFeatures") && lib.licenceQrFeatures().image,
      progress: caps.progress,
    };
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
   * An OFD or PDF: as an e-licence file when the build can and the file carries licence data,
   * otherwise as a signed document. Seal pictures come with it when the build has them.
   */
  document(bytes, settings, progress, caps) {
    const trust = trustStore(settings.anchors);
    try {
      const opts = documentOptions(settings);
      if (caps.progress) opts.onProgress = progress;
      let report;
      if (has("verifyLicenceFile")) {
        report = lib.verifyLicenceFile(bytes, trust, opts);
        // No licence data in the file: it is a plain signed document (always the one part).
        const data = report.checks.find((c) => c.name === "licence.data");
        if (data && data.reason === "Missing" && report.parts?.length === 1) report = report.parts[0];
      } else {
        const isPdf = String.fromCharCode(...bytes.subarray(0, 4)) === "%PDF";
        report = (isPdf ? lib.verifyPdf : lib.verifyOfd)(bytes, trust, opts);
      }
      let pictures = null;
      if (has("sealPictures")) {
        try {
          pictures = lib.sealPictures(bytes);
        } catch {
          // The pictures only decorate the report; a document they cannot be read from
          // has its reason in the report already.
        }
      }
      return { report, pictures };
    } finally {
      trust.free();
    }
  },

  /** A seal (.esl) or a seal signature (SignedValue.dat): what it says. */
  seal(bytes) {
    return { seal: lib.parseSeal(bytes) };
  },

  token({ token, jwks }, settings) {
    const opts = { algorithms: TOKEN_ALGORITHMS };
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
  const progress = ({ step, done, total }) => {
    const now = `${step} ${total > 0 ? Math.floor((100 * done) / total) : 0}`;
    if (now !== last) self.postMessage({ id, progress: { step, done, total } });
    last = now;
  };
  try {
    const caps = await ready;
    self.postMessage({ id, result: tasks[task](input, settings, progress, caps) });
  } catch (e) {
    self.postMessage({ id, error: { name: e?.name ?? "Error", code: e?.code, message: String(e?.message ?? e) } });
  }
};
