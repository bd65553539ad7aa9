import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // A job module's tests may sit next to it (jobs/, examples/jobs/).
    include: ["test/**/*.test.ts", "jobs/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // One Azurite for the run, an account per startAzurite() (see test/support/sharedAzurite.ts).
    globalSetup: ["test/support/sharedAzurite.ts"],
    pool: "forks",
    // Most tests wait on sockets, not the CPU: two workers on a 2-core machine (the default leaves a core free) cut
    // the wall time by about a third.
    maxWorkers: 2,
  },
});
