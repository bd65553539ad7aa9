import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { JOB_FOLDERS, jobModuleNames } from "./jobModuleFiles.js";
import type { LoadedJobModule } from "./parseJobModules.js";

/**
 * The job modules under the app root (the source checkout, run with tsx): every module file of jobs/ and of
 * examples/jobs/ (which run only with M2M_EXAMPLE_JOBS), in file name order. The bundle (scripts/build.mjs) replaces
 * this file with one that imports the same files statically: the deployed app reads no folder.
 */
export async function loadJobModules(
  root: string = fileURLToPath(new URL("../../../", import.meta.url)),
): Promise<LoadedJobModule[]> {
  const loaded: LoadedJobModule[] = [];
  for (const folder of Object.values(JOB_FOLDERS)) {
    for (const name of jobModuleNames(await readdir(join(root, folder)).catch(noFolder))) {
      const imported = (await import(pathToFileURL(join(root, folder, name)).href)) as {
        default?: unknown;
      };
      loaded.push({ source: `${folder}/${name}`, exported: imported.default });
    }
  }
  return loaded;
}

/** A job folder that does not exist holds no modules. */
function noFolder(error: NodeJS.ErrnoException): string[] {
  if (error.code === "ENOENT") return [];
  throw error;
}
