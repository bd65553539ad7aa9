import type forge from "node-forge";

let loaded: Promise<typeof forge> | undefined;

/**
 * node-forge, evaluated on first use: only PKCS#12 material needs it, and evaluating it at import would add to every
 * cold start. In the bundle the dynamic import stays in the same file (esbuild, no splitting).
 */
export function loadForge(): Promise<typeof forge> {
  loaded ??= import("node-forge").then((module) => module.default);
  return loaded;
}
