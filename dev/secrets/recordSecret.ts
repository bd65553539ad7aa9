import { appendFileSync } from "node:fs";
import type { SecretKind } from "./SecretKind.js";

/** The environment variable naming the ledger file: set it to record, leave it unset and nothing is kept. */
export const SECRET_LEDGER_ENV = "M2M_SECRET_LEDGER";

// What this process has written already: MSAL and the SDKs reuse tokens, and every stand-in loads the dev CA.
const written = new Set<string>();

/**
 * Tells the secret ledger that a stand-in minted or received `value`. With `M2M_SECRET_LEDGER=<file>` set, appends one
 * JSON line `{ kind, value }` to that file (once per kind and value in this process), so a test can read what a child
 * process minted and scan output for it; without it, does nothing. Synchronous on purpose: one `write` per line with
 * O_APPEND keeps lines whole when several processes (vitest's workers) share the file, and a process that exits right
 * after minting has still recorded it.
 */
export function recordSecret(kind: SecretKind, value: string): void {
  const path = process.env[SECRET_LEDGER_ENV];
  if (!path || !value) return;
  const key = `${kind}\n${value}`;
  if (written.has(key)) return;
  written.add(key);
  appendFileSync(path, `${JSON.stringify({ kind, value })}\n`, { mode: 0o600 });
}
