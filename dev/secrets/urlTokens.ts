import { MIN_PIECE_CHARS } from "./secretPieces.js";

/**
 * The parts of a webhook URL that are its key: path segments and query values at least MIN_PIECE_CHARS long (a Slack
 * token, a Workflows `sig`), decoded. Route words and short values (`api-version=2016-06-01`) are not secrets and
 * would match output by chance.
 */
export function urlTokens(url: URL): string[] {
  const segments = url.pathname.split("/").map(decode);
  const values = [...url.searchParams.values()];
  return [...new Set([...segments, ...values].filter((part) => part.length >= MIN_PIECE_CHARS))];
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
