/** Caches of the service worker (app/sw.ts) that hold one user's data: emptied at sign-out. */
export const PAGES_CACHE = "floorchat-pages";
export const API_CACHE = "floorchat-api";
/** Photo thumbnails of chats this user read, for showing them offline. */
export const FILES_CACHE = "floorchat-files";
