/** How much one purge may do. */
export interface PurgeOptions {
  /** Most entity group transactions (of at most 100 deletes each) this call submits. */
  maxBatches: number;
  /** Stops between batches (an invocation's deadline); what is left is deleted by the next purge. */
  signal?: AbortSignal;
}

/** What one purge did. */
export interface PurgeReport {
  /** Rows deleted by this call (rows another instance deleted first are not counted). */
  deleted: number;
  /** Transactions submitted. */
  batches: number;
  /** False when the batch budget or the signal stopped the purge with due rows left: the next purge continues. */
  complete: boolean;
}

/** A store whose rows older than a cutoff can be deleted, a bounded number at a time. */
export interface RowPurge {
  /** Deletes the store's rows that are due before `cutoff` (each store says which rows those are). */
  purgeBefore(cutoff: Date, options: PurgeOptions): Promise<PurgeReport>;
}
