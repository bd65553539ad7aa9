/**
 * The folders job modules are picked up from, relative to the app root: the app's own, and the examples (registered
 * only with M2M_EXAMPLE_JOBS). The local loader (loadJobModules) and the bundle (scripts/build.mjs) both read them.
 */
export const JOB_FOLDERS = { jobs: "jobs", examples: "examples/jobs" } as const;

/** Pure: which of a folder's file names are job modules (TypeScript or JavaScript, not tests nor declarations), sorted. */
export function jobModuleNames(names: readonly string[]): string[] {
  return names
    .filter((name) => /\.(?:ts|mts|js|mjs)$/.test(name) && !/\.(?:test|spec|d)\.[mc]?[jt]s$/.test(name))
    .sort();
}

/** Whether a module's source (as LoadedJobModule.source gives it) is one of the examples. */
export function isExampleJob(source: string): boolean {
  return source.startsWith(`${JOB_FOLDERS.examples}/`);
}
