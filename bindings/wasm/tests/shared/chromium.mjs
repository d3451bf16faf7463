// Headless Chromium for the browser tests (the WASM suite and the portal): Debian's
// /usr/bin/chromium (or $CHROMIUM) through playwright-core, with a fresh profile and no
// background networking (this machine's closed network refuses it). Node only.

/** Flags every test launch uses. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A persistent context (how playwright passes a fresh --user-data-dir) on `profile`; `options`
 * adds to playwright's launch options (e.g. a viewport). */
export function launchChromium(chromium, profile, options = {}) {
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    ...options,
  });
}

/** The page's uncaught errors and console errors, collected as they happen. */
export function collectErrors(page) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
  });
  return errors;
}
