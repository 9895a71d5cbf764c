import type { MetadataRoute } from "next";

/** Installs Floorchat as an app: standalone, with shortcuts to the two jobs done from the home screen. */
export default function manifest(): MetadataRoute.Manifest {
  return {
    id: "/",
    name: "Floorchat",
    short_name: "Floorchat",
    description: "Chat for people who work on their feet: scan an order, talk about it.",
    start_url: "/chats",
    scope: "/",
    display: "standalone",
    orientation: "any",
    background_color: "#ffffff",
    theme_color: "#0b5cad",
    categories: ["business", "productivity"],
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
    shortcuts: [
      { name: "Scan", short_name: "Scan", description: "Scan a code to open its chat", url: "/scan", icons: [{ src: "/icons/icon-192.png", sizes: "192x192" }] },
      { name: "Manager", short_name: "Manager", description: "Chats waiting for a reply and approvals", url: "/manager", icons: [{ src: "/icons/icon-192.png", sizes: "192x192" }] },
    ],
  };
}
