/** Caches of the service worker (app/sw.ts) that hold one user's data: emptied at sign-out. */
export const PAGES_CACHE = "floorchat-pages";
export const API_CACHE = "floorchat-api";
