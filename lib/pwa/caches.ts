/**
 * Caches of the service worker (app/sw.ts) that hold one user's data: emptied at sign-out, and
 * when someone else signs in on the device (lib/pwa/device-owner.ts).
 */
export const PAGES_CACHE = "floorchat-pages";
export const API_CACHE = "floorchat-api";
/** Photo thumbnails of chats this user read, for showing them offline. */
export const FILES_CACHE = "floorchat-files";
