// The entry point of the npm package `yinjian`: the wasm-bindgen module, with every thrown
// error turned into a `YinjianError` subclass that carries a stable `code`.
//
// scripts/build-wasm copies this file next to the wasm-bindgen output: as pkg-web/index.js
// (browsers, bundlers), pkg-verify/index.js and pkg-node/index.mjs (node, where the output is
// CommonJS); scripts/build-npm makes pkg-node/index.cjs (require) from it with js/entries.mjs,
// which is why every export here is an `export class|function|const` statement. In node
// there is nothing to initialise; `init()` is still exported so one code path serves both. Bytes (Uint8Array, ArrayBuffer, DataView, other typed arrays) are read by the Rust
// side, which refuses anything else with an InvalidArgument error.
import * as wasm from "./yinjian_wasm.js";

/** Browsers: the module needs `init()` (or `initSync`) first; node loads it on import. */
const needsInit = typeof wasm.default === "function";
let initialised = false;

/** Every error this package throws; `code` is stable, `message` is for people. */
export class YinjianError extends Error {
  constructor(message, code) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}
/** A wrong argument type, an unknown option or a bad option value. */
export class InvalidArgumentError extends YinjianError {}
/** Input that cannot be decoded: a key, signature, certificate, seal or document. */
export class MalformedInputError extends YinjianError {}
/** Input that uses something this build does not implement. */
export class UnsupportedError extends YinjianError {}
/** Input larger than one of the library's named limits. */
export class TooLargeError extends YinjianError {}

const CLASS_OF_CODE = {
  InvalidArgument: InvalidArgumentError,
  InvalidOption: InvalidArgumentError,
  MalformedKey: MalformedInputError,
  MalformedSignature: MalformedInputError,
  MalformedCertificate: MalformedInputError,
  MalformedSeal: MalformedInputError,
  DistIdTooLong: MalformedInputError,
  Io: MalformedInputError,
  Unsupported: UnsupportedError,
  UnsupportedKey: UnsupportedError,
  TooLarge: TooLargeError,
};

/**
 * Whatever `name` threw, as a `YinjianError`: the WASM code's errors (with `code`) as their
 * subclass; before `init()`, `NotInitialised`; a wrong argument the wasm-bindgen glue caught
 * (a trust argument that is not a TrustStore, a TypeError), `InvalidArgument`; anything
 * else (a trap, a bug), `Internal`.
 */
function adopt(error, name) {
  if (error instanceof YinjianError) return error;
  const message = `${name}: ${error instanceof Error ? error.message : String(error)}`;
  if (error instanceof Error && typeof error.code === "string") {
    const Class = CLASS_OF_CODE[error.code] ?? YinjianError;
    return new Class(error.message, error.code);
  }
  if (needsInit && !initialised) {
    return new YinjianError(`${name} was called before init(): await init() first`, "NotInitialised");
  }
  // wasm-bindgen's glue: "expected instance of TrustStore" (a wrong class), "null pointer
  // passed to rust" (an object used after free()).
  if (error instanceof TypeError || /^(expected instance of |null pointer passed to rust)/.test(error?.message ?? "")) {
    return new InvalidArgumentError(message, "InvalidArgument");
  }
  return new YinjianError(message, "Internal");
}

/** `fn` with its errors adopted; a function the build left out throws `UnsupportedError`. */
function guard(name) {
  const fn = wasm[name];
  if (typeof fn !== "function") {
    return () => {
      throw new UnsupportedError(`${name} is not in this build of yinjian (see licenceQrFeatures/buildFeatures)`, "Unsupported");
    };
  }
  return function (...args) {
    try {
      return fn.apply(this, args);
    } catch (error) {
      throw adopt(error, name);
    }
  };
}

/** A wasm-bindgen class whose constructor and methods throw `YinjianError`s. */
function guardClass(Base) {
  if (typeof Base !== "function") return undefined;
  const Guarded = class extends Base {
    constructor(...args) {
      try {
        super(...args);
      } catch (error) {
        throw adopt(error, `new ${Base.name}`);
      }
    }
  };
  for (const key of Object.getOwnPropertyNames(Base.prototype)) {
    const desc = Object.getOwnPropertyDescriptor(Base.prototype, key);
    if (key === "constructor" || typeof desc.value !== "function") continue;
    Object.defineProperty(Guarded.prototype, key, {
      ...desc,
      value(...args) {
        try {
          return desc.value.apply(this, args);
        } catch (error) {
          throw adopt(error, `${Base.name}.${key}`);
        }
      },
    });
  }
  Object.defineProperty(Guarded, "name", { value: Base.name });
  return Guarded;
}

/** `load(...args)`, remembered as done; a failure is a `YinjianError` (`NotInitialised`). */
function loaded(load, args) {
  const done = (value) => {
    initialised = true;
    return value;
  };
  const failed = (error) => {
    const why = error instanceof Error ? error.message : String(error);
    throw new YinjianError(`the WebAssembly module could not be loaded: ${why}`, "NotInitialised");
  };
  try {
    const result = load(...args);
    return typeof result?.then === "function" ? result.then(done, failed) : done(result);
  } catch (error) {
    return failed(error);
  }
}

/** Loads the WebAssembly module (browsers); resolves at once in node. The default export,
 * and also exported by name (for `require`). */
async function init(...args) {
  return needsInit ? loaded(wasm.default, args) : undefined;
}
export default init;
export { init };
/** Loads the module synchronously from bytes (browsers); a no-op in node. */
export function initSync(...args) {
  return typeof wasm.initSync === "function" ? loaded(wasm.initSync, args) : undefined;
}

export const TrustStore = guardClass(wasm.TrustStore);
export const Sm3 = guardClass(wasm.Sm3);

export const version = guard("version");
export const buildFeatures = guard("buildFeatures");
export const sm3 = guard("sm3");
export const sm3Hex = guard("sm3Hex");
export const sm2Verify = guard("sm2Verify");
export const sm2Sign = guard("sm2Sign");
export const sm2PublicKey = guard("sm2PublicKey");
export const verifyCertificateChain = guard("verifyCertificateChain");
export const parseSeal = guard("parseSeal");
export const verifySealSignature = guard("verifySealSignature");
export const verifyDocument = guard("verifyDocument");
export const verifyCms = guard("verifyCms");
export const verifyOfd = guard("verifyOfd");
export const verifyPdf = guard("verifyPdf");
export const pdfAddValidationData = guard("pdfAddValidationData");
export const sealPictures = guard("sealPictures");
export const verifyToken = guard("verifyToken");
export const verifyTokenWithTrust = guard("verifyTokenWithTrust");
export const publicJwk = guard("publicJwk");
export const signToken = guard("signToken");
export const checkIdentifier = guard("checkIdentifier");
export const verifyLicenceFile = guard("verifyLicenceFile");
export const verifyInvoice = guard("verifyInvoice");
export const batchRecord = guard("batchRecord");
export const verifyLicenceQr = guard("verifyLicenceQr");
export const makeLicenceQr = guard("makeLicenceQr");
export const licenceQrFeatures = guard("licenceQrFeatures");

/** Internal, not part of the API: the guard of the subpath entry `yinjian/test-vectors`
 * (js/test-vectors.js), which holds runVector and vectorReport. */
export const _guard = guard;
