import { defineConfig } from "vitest/config";

// The test run Stryker uses for one module under `npm run test:mutation`: only that module's own unit tests, named
// by scripts/mutation/runMutation.ts in M2M_MUTATION_TESTS. (Stryker's own `testFiles` option is not used: with it,
// Stryker 10 activates mutants of module-level constants at run time, after the module was evaluated, so they
// always survive.)
const tests = process.env.M2M_MUTATION_TESTS;
if (!tests) {
  throw new Error(
    "vitest.mutation.config.ts is for `npm run test:mutation`, which sets M2M_MUTATION_TESTS; run the tests with `npm test`.",
  );
}

export default defineConfig({
  test: {
    include: JSON.parse(tests) as string[],
    testTimeout: 30_000,
  },
});
