// Side config for scripts/migration-diff.sh only: Prisma 6's JS schema engine diffs datamodels offline.
// The app itself uses Prisma 7 (prisma.config.ts).
import { PrismaPg } from "@prisma/adapter-pg";

export default {
  experimental: { adapter: true },
  engine: "js",
  adapter: async () =>
    new PrismaPg({ connectionString: process.env.DIFF_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres" }),
};
