import { certificateError } from "./certificateError.js";

/** One `-----BEGIN X----- … -----END X-----` block. */
export interface PemBlock {
  label: string;
  /** RFC 1421 headers such as `Proc-Type: 4,ENCRYPTED` (legacy OpenSSL key encryption). */
  headers: string[];
  /** The body without whitespace, checked to be base64. */
  base64: string;
  /** 1-based line numbers in the original text, for messages. */
  firstLine: number;
  lastLine: number;
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/;
const END = /^-----END ([A-Z0-9 ]+)-----$/;
const HEADER = /^[A-Za-z-]+:/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const FIX = "Export the certificate again with its private key (PEM or PFX) and replace it.";

/**
 * Splits PEM text into blocks. Text between blocks (the `Bag Attributes`, `subject=` and `issuer=` lines
 * `openssl pkcs12` prints, comments, blank lines) is ignored; `\r\n` and indentation are accepted.
 * Throws CERTIFICATE_UNREADABLE for a block without its END line, mismatched labels or bad base64.
 * Messages give labels and line numbers only, never content.
 */
export function readPemBlocks(text: string, source: string): PemBlock[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const blocks: PemBlock[] = [];
  let open: { label: string; headers: string[]; body: string[]; firstLine: number } | null = null;
  const truncated = (label: string, firstLine: number) =>
    certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source}: the PEM block "${label}" that starts on line ${firstLine} has no ` +
        `"-----END ${label}-----" line, so the text looks truncated. ${FIX}`,
    );

  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    const lineNumber = index + 1;
    const begin = BEGIN.exec(line);
    const end = END.exec(line);
    if (open === null) {
      if (begin?.[1] !== undefined) {
        open = { label: begin[1], headers: [], body: [], firstLine: lineNumber };
      } else if (end?.[1] !== undefined) {
        throw certificateError(
          "CERTIFICATE_UNREADABLE",
          `${source}: line ${lineNumber} ends a PEM block "${end[1]}" that never began, so the text ` +
            `looks truncated at the start. ${FIX}`,
        );
      }
      continue;
    }
    if (begin) throw truncated(open.label, open.firstLine);
    if (end?.[1] !== undefined) {
      if (end[1] !== open.label) {
        throw certificateError(
          "CERTIFICATE_UNREADABLE",
          `${source}: the PEM block "${open.label}" that starts on line ${open.firstLine} ends with ` +
            `"-----END ${end[1]}-----" on line ${lineNumber}. ${FIX}`,
        );
      }
      const base64 = open.body.join("");
      if (!BASE64.test(base64) || base64.length % 4 !== 0) {
        throw certificateError(
          "CERTIFICATE_UNREADABLE",
          `${source}: the PEM block "${open.label}" on lines ${open.firstLine}-${lineNumber} is not ` +
            `valid base64 (damaged or cut while copying). ${FIX}`,
        );
      }
      blocks.push({
        label: open.label,
        headers: open.headers,
        base64,
        firstLine: open.firstLine,
        lastLine: lineNumber,
      });
      open = null;
    } else if (open.body.length === 0 && HEADER.test(line)) {
      open.headers.push(line);
    } else if (line !== "") {
      open.body.push(line);
    }
  }
  if (open !== null) throw truncated(open.label, open.firstLine);
  return blocks;
}
