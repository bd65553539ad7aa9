import type { StorageCallOptions } from "./StorageCallOptions.js";

/** A held lease. Pass it back to renew or release it; it is only good with the ETag it carries. */
export interface Lease {
  key: string;
  owner: string;
  acquiredAt: Date;
  expiresAt: Date;
  /** ETag of the lease row as this holder last wrote it: every change is conditional on it. */
  etag: string;
}

export type LeaseAcquisition =
  { acquired: true; lease: Lease } | { acquired: false; heldBy: string; expiresAt: Date };

/**
 * Mutual exclusion across instances: at most one holder per key at any time. A lease expires on its own after its
 * TTL (so a crashed holder does not block forever): give it a TTL longer than the work it guards.
 */
export interface LeaseStore {
  /** Takes the lease when it is free or expired; otherwise says who holds it until when. */
  acquire(key: string, owner: string, ttlMs: number, options?: StorageCallOptions): Promise<LeaseAcquisition>;
  /** Extends a held lease to now + ttlMs. Throws LEASE_LOST when another owner took it over or it is gone. */
  renew(lease: Lease, ttlMs: number, options?: StorageCallOptions): Promise<Lease>;
  /** Gives the lease up. A lease already taken over or gone is left alone (not an error). */
  release(lease: Lease, options?: StorageCallOptions): Promise<void>;
}
