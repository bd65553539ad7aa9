// How the app is bundled, shared by the build (scripts/build.mjs), the cold-import benchmark's reference bundle of the
// SDKs alone, and the tests that bundle as the build does.

/** esbuild options for one ES module file per entry, for Node 22, with its dependencies inside. */
export const bundleOptions = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "esm",
  // A package's ES module build before its CommonJS one (for packages without an exports map, which choose for
  // themselves): esbuild can drop what the app does not use only from ES modules — OpenTelemetry's semantic
  // conventions, for one, are 213 KB of CommonJS constants of which the app uses a handful.
  // One copy of each package: package.json lists @opentelemetry/otlp-transformer and otlp-exporter-base at the OTLP
  // exporters' version, so that npm installs one copy for the three exporters instead of one under each (the version
  // it would hoist is an older one, that Azurite's Application Insights SDK asks for). test/scripts/bundleCopies.test.ts
  // names the packages the bundle may hold twice.
  mainFields: ["module", "main"],
  splitting: false,
  // @azure/functions-core is provided by the Functions worker at run time.
  external: ["@azure/functions-core"],
  // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __m2mCreateRequire } from 'node:module'; const require = __m2mCreateRequire(import.meta.url);",
  },
};
