import type { StorageCallOptions } from "./StorageCallOptions.js";

/** A job's checkpoint as last written: where its next run picks up. */
export interface Checkpoint {
  /** The JSON value the job wrote, parsed. */
  value: unknown;
  /** ETag of the checkpoint as read: pass it as `expectedEtag` to write the next one. */
  etag: string;
  /** When it was written, on the writer's clock. */
  updatedAt: Date;
  /** The run that wrote it. */
  runId: string;
}

/** The condition a checkpoint write is made on, and who makes it. */
export interface CheckpointWrite {
  /**
   * The ETag of the checkpoint this run read (or last wrote), or null when it found none: the write succeeds only if
   * the checkpoint is still that one (still absent), else CHECKPOINT_CONFLICT.
   */
  expectedEtag: string | null;
  runId: string;
}

/**
 * A small JSON value per job — the cursor of an incremental sync — that only moves forward from the value a run read.
 * Every write is conditional on the checkpoint being the one the run read (or still absent), so two runs that overlap
 * cannot both move it: the second gets CHECKPOINT_CONFLICT and its work is redone from the first's checkpoint, never
 * skipped. Job names are matched case-insensitively.
 */
export interface CheckpointStore {
  /** The job's checkpoint, or null when it has none yet. CHECKPOINT_UNREADABLE when the stored one is not JSON. */
  read(job: string, options?: StorageCallOptions): Promise<Checkpoint | null>;
  /**
   * Stores `value` as the job's checkpoint if it is still `expectedEtag`; returns the new ETag. Throws
   * CHECKPOINT_CONFLICT when another run moved (or created, or deleted) it since, CHECKPOINT_INVALID when `value` does
   * not survive a JSON round trip unchanged, CHECKPOINT_TOO_LARGE when its JSON exceeds MAX_CHECKPOINT_BYTES.
   */
  write(
    job: string,
    value: unknown,
    condition: CheckpointWrite,
    options?: StorageCallOptions,
  ): Promise<string>;
}
