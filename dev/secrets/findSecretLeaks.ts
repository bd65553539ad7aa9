import type { LedgerEntry } from "./readSecretLedger.js";
import type { SecretKind } from "./SecretKind.js";
import { secretPieces } from "./secretPieces.js";

/** Text to scan, with the name a report gives it ("npm run local", "fault matrix"). */
export interface ScannedOutput {
  source: string;
  text: string;
}

/** A secret (or a piece of one) found in output, described without the secret. */
export interface SecretLeak {
  kind: SecretKind;
  source: string;
  /** 1-based. */
  line: number;
  /** The line with every piece of every secret on it replaced by `<the secret>` (at most EXCERPT_CHARS long). */
  excerpt: string;
}

export const SECRET_MARK = "<the secret>";
const EXCERPT_CHARS = 300;
// Terminal colours split text: a secret printed in colour must still match.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Every line of `outputs` holding a secret of the ledger, or a distinctive piece of one (see secretPieces): one leak per
 * line and kind, in output order. The excerpts hold no piece of what they report.
 */
export function findSecretLeaks(
  outputs: readonly ScannedOutput[],
  ledger: readonly LedgerEntry[],
): SecretLeak[] {
  const secrets = ledger.map((entry) => {
    const pieces = secretPieces(entry.value);
    return { kind: entry.kind, pieces, masks: [entry.value, ...pieces] };
  });
  const leaks: SecretLeak[] = [];
  for (const { source, text } of outputs) {
    const plain = text.replace(ANSI, "");
    const present = secrets.filter((secret) => secret.pieces.some((piece) => plain.includes(piece)));
    if (present.length === 0) continue;
    const masks = [...new Set(present.flatMap((secret) => secret.masks))];
    plain.split("\n").forEach((line, index) => {
      const kinds = new Set(
        present.filter((secret) => secret.pieces.some((piece) => line.includes(piece))).map((s) => s.kind),
      );
      if (kinds.size === 0) return;
      const excerpt = shorten(mask(line, masks));
      for (const kind of kinds) leaks.push({ kind, source, line: index + 1, excerpt });
    });
  }
  return leaks;
}

/**
 * `line` with every stretch that any of `pieces` covers replaced by one SECRET_MARK. Stretches, not pieces one by one:
 * the pieces of one secret overlap (a long secret's last piece), and replacing one would break the next.
 */
function mask(line: string, pieces: readonly string[]): string {
  const stretches: [number, number][] = [];
  for (const piece of pieces) {
    for (let at = line.indexOf(piece); at !== -1; at = line.indexOf(piece, at + 1)) {
      stretches.push([at, at + piece.length]);
    }
  }
  stretches.sort((a, b) => a[0] - b[0]);
  let masked = "";
  let done = 0;
  let open: [number, number] | null = null;
  for (const stretch of stretches) {
    if (open && stretch[0] <= open[1]) {
      open[1] = Math.max(open[1], stretch[1]);
      continue;
    }
    if (open) {
      masked += line.slice(done, open[0]) + SECRET_MARK;
      done = open[1];
    }
    open = [...stretch];
  }
  if (open) {
    masked += line.slice(done, open[0]) + SECRET_MARK;
    done = open[1];
  }
  return masked + line.slice(done);
}

/** A long line cut to EXCERPT_CHARS around its first mark. */
function shorten(line: string): string {
  if (line.length <= EXCERPT_CHARS) return line;
  const start = Math.max(0, line.indexOf(SECRET_MARK) - EXCERPT_CHARS / 2);
  return `${start > 0 ? "…" : ""}${line.slice(start, start + EXCERPT_CHARS)}…`;
}
