// ESLint flat config. Besides the recommended sets it encodes two structure rules (issue 18):
//   1. each server/<module>/ is reached from outside only through its index.ts (server) or shared.ts (browser-safe);
//   2. tenant role names are spelled only in the permission table (server/auth/permissions.ts).
import fs from "node:fs";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import { defineConfig, globalIgnores } from "eslint/config";

const serverModules = fs
  .readdirSync(new URL("./server/", import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const ENTRY = String.raw`(?!index\.ts$|shared\.ts$)`;

/**
 * The module rule for files in `own` (a server module, or null outside server/<module>/): another module's files
 * other than index.ts/shared.ts may not be imported, neither by alias nor by a relative path that leaves `own`.
 */
function moduleImports(own, { serverRoot = false, depth = 0 } = {}) {
  const other = own ? `(?!${own}/)` : "";
  const patterns = [
    {
      regex: String.raw`^#server/${other}[^/]+/${ENTRY}.+`,
      message: "Import another server module through its entry: #server/<module>/index.ts, or shared.ts for browser-safe code.",
    },
  ];
  if (serverRoot) {
    patterns.push({
      regex: String.raw`^\./[^/]+/${ENTRY}.+`,
      message: "Import a server module through its entry: ./<module>/index.ts.",
    });
  }
  if (depth > 0) {
    patterns.push({
      regex: String.raw`^(\.\./){${depth},}`,
      message: "A relative import may not leave its module: use #server/<module>/index.ts.",
    });
  }
  return ["error", { patterns }];
}

const ROLE_NAMES = ["owner", "manager", "finance", "support", "developer"];

export default defineConfig([
  globalIgnores(["build/", "public/build/", "node_modules/", ".data/", "e2e/artifacts/"]),

  { linterOptions: { reportUnusedDisableDirectives: "error" } },

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: ["**/*.{js,mjs,cjs,ts,tsx}"],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_`-prefixed names are deliberately unused (placeholders in destructuring, Express's 4-argument error handler).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
    },
  },

  {
    files: ["app/**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ["app/**/*.tsx"],
    ...reactHooks.configs.flat.recommended,
  },

  // Rule 1. Outside server/ (app/) and in server's own top-level files (composition root, env, services).
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: { "no-restricted-imports": moduleImports(null) },
  },
  {
    files: ["server/*.ts"],
    rules: { "no-restricted-imports": moduleImports(null, { serverRoot: true }) },
  },
  // One block per module: it may import its own internals (relatively or by alias), nobody else's.
  ...serverModules.flatMap((mod) => [
    { files: [`server/${mod}/*.ts`], rules: { "no-restricted-imports": moduleImports(mod, { depth: 1 }) } },
    { files: [`server/${mod}/*/**/*.ts`], rules: { "no-restricted-imports": moduleImports(mod, { depth: 2 }) } },
  ]),
  // Route modules and components end up in the browser bundle (Remix strips loaders/actions, not their imports):
  // they may take values from shared.ts only. Server entries, services.ts and env.ts pull node-only code; reach
  // them through a *.server.ts helper. Type imports are erased, so they stay allowed.
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/**/*.server.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: String.raw`^#server/(?!.*/shared\.ts$)`,
              allowTypeImports: true,
              message: "Browser-bundled code takes server values from #server/<module>/shared.ts only; use a *.server.ts helper for the rest.",
            },
          ],
        },
      ],
    },
  },
  // tests/, e2e/, bench/ and scripts/ sit outside the modules and may import internals (unit tests of internals,
  // harnesses, one-off tools): rule 1 is not applied there.

  // Rule 2. Tenant role names live in the permission table; everything else imports its exports (ROLE, TENANT_ROLES,
  // can, rolesFor). Unit tests are exempt: they spell roles out to check the table against something independent.
  {
    files: ["app/**/*.{ts,tsx}", "server/**/*.ts"],
    ignores: ["server/auth/permissions.ts", "**/*.test.{ts,tsx}"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: `Literal[value=/^(${ROLE_NAMES.join("|")})$/]`,
          message: "Tenant role names are spelled only in server/auth/permissions.ts; import the role or rule from there.",
        },
      ],
    },
  },
]);
