// coop-ledger signing app: the service worker. It keeps the app's shell and
// every static file in one cache named by their joint hash, so the app opens
// and signs with no connection at all, and a new build replaces the whole
// cache at once. The ledger's API is never cached here: the app keeps its
// own outbox and last holder's view on the device.
const VERSION = "{{ version }}";
const CACHE = "coop-ledger-app-" + VERSION;
const PRECACHE = {{ precache|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(PRECACHE))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((n) => n.startsWith("coop-ledger-app-") && n !== CACHE).map((n) => caches.delete(n)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  const key = url.pathname + url.search;
  if (PRECACHE.includes(key)) {
    // Cache first: every file here is fixed for this version.
    event.respondWith(caches.open(CACHE).then((cache) => cache.match(key).then((hit) => hit || fetch(request))));
  } else if (request.mode === "navigate" && url.pathname === "/app/") {
    // Another address of the app's page: the network, else the shell in the
    // language asked for.
    const lang = url.searchParams.get("lang") === "en" ? "/app/?lang=en" : "/app/";
    event.respondWith(fetch(request).catch(() => caches.open(CACHE).then((cache) => cache.match(lang))));
  }
});
