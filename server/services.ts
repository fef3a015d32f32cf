import type { PrismaClient } from "@prisma/client";

/** What Remix loaders may use, handed over through the load context (they never import the DB themselves). */
export interface Services {
  prisma: PrismaClient;
}
