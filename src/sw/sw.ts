/// <reference lib="webworker" />
/**
 * StudyPath's service worker, built by vite-plugin-pwa (injectManifest): Workbox
 * is bundled into this file, nothing is loaded from another origin.
 *
 * `self.__WB_MANIFEST` is replaced at build time by the list of every file of
 * the build (hashed bundles, the training worker chunk, index.html, icons,
 * manifest, demo data) with a revision each. Installing this worker stores all
 * of them, so the first visit is enough to work offline. A new build installs
 * alongside, fetches only what changed, and takes over once no tab runs the old
 * one; Workbox then deletes the files the new build no longer lists.
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope;

/** The cache of the hand-written worker this one replaced (it held a fixed list of files). */
const LEGACY_CACHE = 'studypath-v1';

precacheAndRoute(self.__WB_MANIFEST);
// Precaches left behind by older Workbox versions.
cleanupOutdatedCaches();
// The app has one page: any navigation inside the scope gets it, from the cache.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
// The first install takes control of the page that registered it, so files the
// page fetches later (the demo, the training worker) come from the cache as
// well. An update does not skip waiting: open tabs keep the build they started
// with, and their lazily loaded chunks stay available until they close.
clientsClaim();

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.delete(LEGACY_CACHE));
});
