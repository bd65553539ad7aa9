import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { bundleOptions } from "../../scripts/esbuildOptions.mjs";

/**
 * Packages the app's bundle holds twice, and why: each is a copy a dependency pins to a version of its own. Every
 * other package is in the bundle once — a second copy is parsed at every cold start for nothing (two copies of MSAL,
 * one under @azure/identity, were 550 KB of the bundle before @azure/identity 4.14 took MSAL Node 7 too).
 */
const KNOWN_TWICE: Record<string, string> = {
  "@opentelemetry/core":
    "@azure/monitor-opentelemetry-exporter 1.0.0-beta.47 pins 2.10.0 (the SDK is 2.12.0)",
  "@opentelemetry/api-logs": "@azure/opentelemetry-instrumentation-azure-sdk has a copy of its own",
};

describe("the app's bundle", () => {
  it("holds one copy of each package, but those known to be pinned apart", async () => {
    const result = await build({
      ...bundleOptions,
      entryPoints: { index: "src/index.ts" },
      outdir: "dist-copies-test",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const copies = new Map<string, Set<string>>();
    for (const input of Object.keys(result.metafile?.inputs ?? {})) {
      // The innermost node_modules/<package> of the path: the copy the file is from.
      const match = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
      if (!match?.[1] || !match[2]) continue;
      copies.set(match[2], (copies.get(match[2]) ?? new Set()).add(match[1]));
    }
    const twice = [...copies].filter(([, dirs]) => dirs.size > 1).map(([name]) => name);

    expect(copies.size).toBeGreaterThan(50);
    expect(twice.sort()).toEqual(Object.keys(KNOWN_TWICE).sort());
  });
});
