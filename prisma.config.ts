// Prisma 7 reads this for `prisma generate`. It must not throw when DATABASE_URL is unset (CI generate),
// and Prisma 7 no longer loads .env by itself.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/unused" },
});
