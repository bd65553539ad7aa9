import type { BuildOptions } from "esbuild";

/** esbuild options for one ES module file per entry, for Node 22, with its dependencies inside. */
export declare const bundleOptions: BuildOptions;
