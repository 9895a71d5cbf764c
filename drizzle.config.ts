import { defineConfig } from "drizzle-kit";

// Used only by `npm run db:generate` (drizzle-kit generate), which needs no database connection.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./db/migrations",
});
