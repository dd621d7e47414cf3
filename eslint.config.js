import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const scopeImport = {
  group: ["**/tenancy/scope.server", "~/modules/tenancy/scope.server"],
  message: "Only the tenancy module sets a scope (the seed and the tests set theirs on their own transactions).",
};
const databaseDoor = {
  group: ["**/db/client.server"],
  importNames: ["getDatabase"],
  message: "Only the tenancy module opens transactions: use withTenant/withPublic/withCommittee/withAuthFlow/withSystem.",
};
const transactionCall = {
  selector: "CallExpression[callee.property.name='transaction']",
  message: "Only the tenancy module opens transactions: use withTenant/withPublic/withCommittee/withAuthFlow/withSystem.",
};

export default tseslint.config(
  { ignores: ["build/", "public/build/", ".cache/", ".data/", "node_modules/", "db/migrations/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx,js}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "no-console": ["error", { allow: ["warn", "error", "log"] }],
    },
  },
  // The architecture, kept by the linter (docs/ARCHITECTURE.md, "one request goes one way"): only the
  // tenancy module opens transactions and sets a scope; routes reach data through its wrappers and a
  // domain module, never the database or drizzle themselves.
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: ["app/modules/tenancy/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [scopeImport, databaseDoor] }],
      "no-restricted-syntax": ["error", transactionCall],
    },
  },
  {
    files: ["app/routes/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            scopeImport,
            databaseDoor,
            {
              group: ["**/db/**", "**/db/*", "drizzle-orm", "drizzle-orm/*"],
              message: "Routes hold no SQL: call a domain module under app/modules/ through a tenancy wrapper.",
            },
          ],
        },
      ],
    },
  },
  // Startup opens the database (migrations, the query-role check) without a transaction.
  { files: ["app/background.server.ts", "app/modules/email/worker-cli.ts"], rules: { "no-restricted-imports": ["error", { patterns: [scopeImport] }] } },
);
