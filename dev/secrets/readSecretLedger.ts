import { readFile } from "node:fs/promises";
import { SECRET_KINDS, type SecretKind } from "./SecretKind.js";

/** One line of the secret ledger. */
export interface LedgerEntry {
  kind: SecretKind;
  value: string;
}

/**
 * The entries of a ledger file written through recordSecret, oldest first, each kind and value once. A missing file
 * is an empty ledger; a line that is not a ledger entry throws (naming its line number, never its content).
 */
export async function readSecretLedger(path: string): Promise<LedgerEntry[]> {
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  const entries = new Map<string, LedgerEntry>();
  text.split("\n").forEach((line, index) => {
    if (!line) return;
    const entry = parse(line);
    if (!entry)
      throw new Error(`line ${index + 1} of the secret ledger ${path} is not a { kind, value } entry`);
    entries.set(`${entry.kind}\n${entry.value}`, entry);
  });
  return [...entries.values()];
}

function parse(line: string): LedgerEntry | null {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== "object" || value === null) return null;
    const entry = value as Record<string, unknown>;
    if (typeof entry.value !== "string" || !(SECRET_KINDS as readonly unknown[]).includes(entry.kind))
      return null;
    return { kind: entry.kind as SecretKind, value: entry.value };
  } catch {
    return null;
  }
}
