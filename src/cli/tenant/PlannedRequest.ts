/** A write to Microsoft Graph or Key Vault as `--dry-run` prints it: what would be sent, and why. */
export interface PlannedRequest {
  method: string;
  /** Absolute URL, query included. */
  url: string;
  body: unknown;
  /** What the request does, in words. */
  purpose: string;
}
