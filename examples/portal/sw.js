// Service worker of the portal: keeps an offline copy of the page, its scripts and the WASM
// package. Network first (so a rebuilt package is picked up at once), the cached copy when
// the network is gone.
const CACHE = "yinjian-portal-v1";
const FILES = [
  "./",
  "index.html",
  "app.js",
  "worker.js",
  "style.css",
  "pkg/index.js",
  "pkg/yinjian_wasm.js",
  "pkg/yinjian_wasm_bg.wasm",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
        }
        return response;
      })
      .catch(() =>
        caches.match(request, { ignoreSearch: true }).then((cached) => cached ?? Response.error()),
      ),
  );
});
