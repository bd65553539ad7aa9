/**
 * - NOT_REGISTERED: the app signs with a certificate the app registration does not list; Entra ID will refuse its
 *   assertions with AADSTS700027.
 * - REGISTERED_EXPIRED: a registered certificate's end date has passed; Entra ID no longer accepts it.
 * - ORPHANED_KEYS: registered, still valid certificates that match no certificate the app knows of — anyone
 *   holding their private keys can get tokens as the app.
 * - SECRET_EXPIRING / SECRET_EXPIRED: a client secret on the app registration is near or past its end date.
 */
export type DriftCode =
  "NOT_REGISTERED" | "REGISTERED_EXPIRED" | "ORPHANED_KEYS" | "SECRET_EXPIRING" | "SECRET_EXPIRED";

/** A difference between Key Vault and the app registration, with what to do about it. */
export interface DriftFinding {
  code: DriftCode;
  /** On the Alert scale. */
  severity: "info" | "warning" | "critical";
  /** The certificate concerned (SHA-1, hex upper case), or null for findings about other credentials. */
  thumbprintSha1: string | null;
  /** The app registration's credentials concerned (Graph `keyId`s); empty for NOT_REGISTERED. */
  keyIds: readonly string[];
  /** What is wrong, since when, and what to do. */
  message: string;
}
