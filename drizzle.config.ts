import { defineConfig } from "drizzle-kit";

// Generation needs no database; `npm run db:migrate` applies the output with the neon driver.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/db/schema.ts",
  out: "./drizzle",
});
