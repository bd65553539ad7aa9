import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { readObject } from "./bicepSyntax.js";
import { evaluateBicep, type BicepScope, type BicepValue } from "./evaluateBicep.js";
import { readBicep, type BicepFile, type BicepResource } from "./readBicep.js";

/** The repository's root and its infra/ folder. */
export const ROOT = join(import.meta.dirname, "..", "..");
export const INFRA = join(ROOT, "infra");

/** A module main.bicep calls: the call (its condition and params) and the file it calls. */
export interface InfraModule {
  call: BicepResource;
  /** Path relative to infra/, e.g. app/rbac.bicep. */
  path: string;
  file: BicepFile;
  /** The values main.bicep passes, each evaluated in `mainScope`; a param the module does not declare is an error. */
  params(mainScope: BicepScope): Record<string, BicepValue>;
}

/** infra/ as the tests see it: main.bicep, its modules by symbolic name, and every .bicep file under infra/. */
export interface Infra {
  main: BicepFile;
  module(symbol: string): InfraModule;
  /** Every .bicep file under infra/, by path relative to infra/. */
  files: ReadonlyMap<string, BicepFile>;
}

/** Reads infra/main.bicep and every .bicep file under infra/ (see readBicep: strict). */
export function readInfra(): Infra {
  const files = new Map<string, BicepFile>();
  for (const path of bicepFiles(INFRA)) {
    const name = relative(INFRA, path).split("\\").join("/");
    try {
      files.set(name, readBicep(readFileSync(path, "utf8")));
    } catch (error) {
      throw new Error(`infra/${name}: ${(error as Error).message}`, { cause: error });
    }
  }
  const main = files.get("main.bicep");
  if (!main) throw new Error("infra/main.bicep is missing");
  return {
    main,
    files,
    module(symbol) {
      const call = main.modules.get(symbol);
      if (!call) throw new Error(`main.bicep calls no module ${symbol}`);
      const path = join(dirname("main.bicep"), call.type).split("\\").join("/");
      const file = files.get(path);
      if (!file) throw new Error(`module ${symbol}: infra/${path} is missing`);
      return {
        call,
        path,
        file,
        params(mainScope) {
          const given = readObject(readObject(call.body).get("params") ?? "{}");
          return Object.fromEntries(
            [...given].map(([name, expression]) => {
              if (!file.params.has(name)) throw new Error(`module ${symbol}: ${path} has no param ${name}`);
              return [name, evaluateBicep(expression, mainScope)];
            }),
          );
        },
      };
    },
  };
}

function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return bicepFiles(path);
    return entry.name.endsWith(".bicep") ? [path] : [];
  });
}
