import createNextIntlPlugin from "next-intl/plugin";

// Messages are compiled at build time: the browser gets a small formatter, not the ICU parser.
const withNextIntl = createNextIntlPlugin({
  requestConfig: "./lib/i18n/request.ts",
  experimental: { messages: { path: "./lib/i18n/messages", format: "json", locales: "infer", precompile: true } },
});

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Native/WASM database drivers and Redis must load from node_modules at run time, not be bundled:
  // PGlite reads its .wasm and data files next to its own module.
  serverExternalPackages: ["@electric-sql/pglite", "pg", "ioredis"],
  // `npm test` runs tsc and ESLint itself; the build need not repeat them.
  typescript: { ignoreBuildErrors: true },
};

export default withNextIntl(nextConfig);
