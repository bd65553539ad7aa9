/**
 * The `jti` values of client assertions already accepted, kept until the assertion would have expired anyway.
 * Only used when the stand-in is started with `rejectReplayedAssertions` (Entra ID itself accepts a reused
 * assertion: MSAL reuses its signed assertion for up to 10 minutes).
 */
export class ReplayLedger {
  private readonly expiresAtMs = new Map<string, number>();

  /** Records `key` as used until `untilMs`; returns false when it was already recorded and has not expired. */
  use(key: string, untilMs: number, nowMs: number): boolean {
    for (const [seen, until] of this.expiresAtMs) if (until < nowMs) this.expiresAtMs.delete(seen);
    if (this.expiresAtMs.has(key)) return false;
    this.expiresAtMs.set(key, untilMs);
    return true;
  }
}
