// What a job module imports: `import { defineJob, JobError } from "../src/jobs/code/defineJob.js";`
import type { JobModule } from "./JobModule.js";

export type {
  JobCheckpoint,
  JobContext,
  JobHttp,
  JobHttpMethod,
  JobModule,
  JobPage,
  JobRequestOptions,
  JobResponse,
} from "./JobModule.js";
export { JobError, JobHttpError } from "./JobError.js";

/**
 * Declares a job module: `export default defineJob({ name, schedule, run })`. It returns the module as it is; what it
 * adds is the types — `run`'s context is typed from `input` (a manual run's checked input), the checkpoint's type
 * argument and the `settings` listed. The app checks the module at start-up (see parseJobModules).
 */
export function defineJob<Input = undefined, Checkpoint = unknown, const Setting extends string = never>(
  module: JobModule<Input, Checkpoint, Setting>,
): JobModule<Input, Checkpoint, Setting> {
  return module;
}
