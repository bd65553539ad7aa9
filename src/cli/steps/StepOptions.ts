import type { Deadline } from "../../clock/Deadline.js";
import type { CliIo } from "../CliIo.js";

/** What every step of a tenant command gets. */
export interface StepOptions {
  /** Read what is there, print the writes it would send, send none. */
  dryRun: boolean;
  /** Bounds every call of the step (see createDeadline). */
  deadline: Deadline;
  io: CliIo;
}
