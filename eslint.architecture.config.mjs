/**
 * Which layer may import which (ARCHITECTURE.md: "Layers"). eslint.config.mjs applies these to
 * the code; tests/unit/architecture-lint.test.ts proves each rule fails on a wrong-way import.
 *
 * Each folder gets one block: a later block naming the same rule for a file replaces the
 * earlier one's options instead of adding to them. typescript-eslint's version of the rule is
 * used for its `allowTypeImports` (a type is erased at build time: it carries no code).
 */
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";

const RULE = "@typescript-eslint/no-restricted-imports";

/** Both spellings of a folder of the project: by the `~/` alias and by a relative path. */
const folder = (name) => [`~/${name}`, `~/${name}/**`, `**/../${name}`, `**/../${name}/**`];

const restrict = (...patterns) => ({ [RULE]: ["error", { patterns }] });

/** Server components kept beside the client ones they render: the server is theirs to call. */
export const SERVER_COMPONENTS = ["components/admin/admin-gate.tsx", "components/nav/demo-password-banner.tsx"];

const framework = { group: ["next", "next/*", "@trpc/*"], message: "Services and db code stay framework-free: the transport is server/api's." };

export const architecture = [
  {
    files: ["components/**", "lib/**"],
    ignores: SERVER_COMPONENTS,
    rules: restrict({
      group: [...folder("server"), ...folder("db")],
      message: "Browser code never imports server code: take the types from ~/contracts.",
    }),
  },
  {
    files: ["contracts/**"],
    rules: restrict({
      group: [...folder("server"), ...folder("db"), ...folder("lib"), ...folder("components"), ...folder("app"), "next", "next/*", "react", "react-dom", "node:*"],
      message: "contracts/ is plain TypeScript both sides import: it depends on nothing of theirs.",
    }),
  },
  {
    // The one door from the browser into the server: the router's type, erased at build time.
    files: ["contracts/api.ts"],
    rules: restrict({ group: folder("server"), allowTypeImports: true, message: "contracts/api.ts takes only the router's type from the server." }),
  },
  {
    files: ["db/**"],
    rules: restrict(framework, {
      group: [...folder("server/services"), ...folder("server/api"), ...folder("server/realtime"), ...folder("server/rest")],
      message: "The database layer is below the services: it never calls them (demo data lives in server/seed.ts).",
    }),
  },
  {
    files: ["server/services/**"],
    rules: restrict(
      framework,
      { group: [...folder("server/api"), ...folder("server/rest"), ...folder("app"), ...folder("components")], message: "Services do not know who calls them." },
      // Services name the realtime side's interfaces (what an envelope is, what a store offers)
      // but never call it: the hub calls the services' access rules, not the other way round.
      { group: folder("server/realtime"), allowTypeImports: true, message: "Services take only types from server/realtime." },
    ),
  },
  {
    files: ["server/api/routers/**", "server/rest/**"],
    rules: restrict({
      group: [...folder("db"), "drizzle-orm", "drizzle-orm/*"],
      allowTypeImports: true,
      message: "Routers never touch the database: the service owns the query and the access rule beside it.",
    }),
  },
  {
    files: ["**/*.ts", "**/*.tsx", "**/*.mts"],
    plugins: { "import-x": importX },
    settings: {
      // How import-x reads a TypeScript file it follows, and how `~/` resolves (tsconfig paths).
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver": undefined,
      "import-x/resolver-next": [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    rules: { "import-x/no-cycle": "error" },
  },
];
