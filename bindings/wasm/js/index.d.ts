// Types of the npm package `yinjian` (the entry point js/index.js): everything the
// wasm-bindgen module declares, the error classes, and init for both browsers and node.
export * from "./yinjian_wasm.js";
import type { ErrorCode } from "./yinjian_wasm.js";

// The classes declare `[Symbol.dispose]` (for `using`); TypeScript's lib has the symbol only
// from esnext.disposable, so it is declared here for projects on an older lib (the Vite
// template's ES2020), as @types/node declares it.
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** Loads the WebAssembly module (browsers: fetches `yinjian_wasm_bg.wasm` next to this file
 * unless given the module, its bytes or a URL); resolves at once in node. Until it has
 * resolved, every call throws a `YinjianError` with code `NotInitialised`; a module that
 * cannot be loaded rejects with the same code. */
declare function init(module_or_path?: unknown): Promise<unknown>;
export default init;
export { init };
/** Loads the module synchronously from its bytes (browsers); a no-op in node. */
export function initSync(module: unknown): unknown;

/** Every error this package throws; `code` is stable, `message` is for people. Besides the
 * subclasses below: `NotInitialised` (called before `init()` resolved, or loading failed) and
 * `Internal` (the WebAssembly code failed unexpectedly: a bug). */
export declare class YinjianError extends Error {
  constructor(message: string, code: ErrorCode);
  readonly code: ErrorCode;
}
/** A wrong argument type (bytes that are not a Uint8Array, ArrayBuffer or other
 * ArrayBufferView; a trust argument that is not a `TrustStore`), an unknown option or a bad
 * option value (codes `InvalidArgument`, `InvalidOption`). */
export declare class InvalidArgumentError extends YinjianError {}
/** Input that cannot be decoded (codes `Malformed*`, `DistIdTooLong`, `Io`). */
export declare class MalformedInputError extends YinjianError {}
/** Input that uses something this build does not implement (`Unsupported`, `UnsupportedKey`). */
export declare class UnsupportedError extends YinjianError {}
/** Input larger than one of the library's named limits (`TooLarge`). */
export declare class TooLargeError extends YinjianError {}
