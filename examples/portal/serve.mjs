// Static server of the verification portal: examples/portal/ at / and the WASM package
// bindings/wasm/pkg-web/ at /pkg/, on 127.0.0.1 only. Used by scripts/serve-portal and, in
// process, by test/portal.test.mjs.
//   node examples/portal/serve.mjs [PORT]     (default 8080; 0 = any free port)
import { createServer } from "node:http";
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const portalDir = fileURLToPath(new URL(".", import.meta.url));
const repo = join(portalDir, "..", "..");
export const pkgDir = join(repo, "bindings", "wasm", "pkg-web");
export const BUILD_HINT = "bindings/wasm/pkg-web is missing: run scripts/build-wasm --features qr-image,qr-make";

// URL prefix → directory; the first matching prefix wins.
const roots = [
  ["/pkg/", pkgDir],
  ["/", portalDir],
];
// The portal's own test folder and server are not part of the site.
const hidden = [join(portalDir, "test"), join(portalDir, "serve.mjs")];

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The file a URL path names, or null when it is outside every root. */
function resolve(path) {
  if (path.endsWith("/")) path += "index.html";
  for (const [prefix, dir] of roots) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(dir, path.slice(prefix.length)));
    const inside = file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
    const isHidden = hidden.some((h) => file === h || file.startsWith(h + sep));
    return inside && !isHidden ? file : null;
  }
  return null;
}

async function handle(req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  let path;
  try {
    path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
  } catch {
    res.writeHead(400).end("bad path");
    return;
  }
  const file = path.includes("\0") ? null : resolve(path);
  try {
    if (file && (await stat(file)).isFile()) {
      const body = await readFile(file);
      res.writeHead(200, {
        "content-type": types[extname(file)] ?? "application/octet-stream",
        "content-length": body.length,
        // Always revalidate: the service worker keeps the offline copy.
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
  } catch {
    // fall through to 404
  }
  res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found");
}

/** Starts the server on 127.0.0.1; resolves to { server, url }. */
export async function startServer(port = 8080) {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2] ?? "8080";
  const port = Number(arg);
  if (!/^\d+$/.test(arg) || port > 65535) {
    console.error("usage: node examples/portal/serve.mjs [PORT]   (0 = any free port)");
    process.exit(3);
  }
  if (!existsSync(join(pkgDir, "index.js"))) {
    console.error(`serve-portal: ${BUILD_HINT}`);
    process.exit(1);
  }
  const { url } = await startServer(port);
  console.log(`serve-portal: ${url} (Ctrl-C to stop)`);
}
