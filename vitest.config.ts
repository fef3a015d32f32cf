import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: [{ find: /^#(.*)$/, replacement: new URL("./$1", import.meta.url).pathname }] },
  test: {
    include: ["{server,tests,scripts,app}/**/*.test.{ts,tsx}"],
    globalSetup: ["tests/global-setup.ts"],
    setupFiles: ["tests/setup-file.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: true,
    maxWorkers: 2,
  },
});
