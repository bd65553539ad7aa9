/** The shortest piece of a long secret worth looking for: anything shorter could occur by chance. */
export const MIN_PIECE_CHARS = 24;
/** Long opaque secrets (a base64 PFX) are looked for in pieces of this length, as PEM lines are. */
const CHUNK_CHARS = 64;

const JWT = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;
const PRIVATE_KEY_BLOCK = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY)-----([\s\S]*?)-----END \1-----/g;

/**
 * The distinctive pieces of a secret to look for in output, so that a partial leak (a truncated token, one line of a
 * key) is caught as well as a whole one, each also as `encodeURIComponent` writes it (a leak in a URL):
 * - a JWT: the whole token, its payload and its signature, each in 64-character pieces (a token cut short in a message
 *   still shows the start of its payload). Not its header: that is public (`alg`, `kid`, a certificate's thumbprint)
 *   and the same for many tokens.
 * - a PEM: each base64 line of its private key blocks at least MIN_PIECE_CHARS long. Certificates in the same PEM are
 *   public and left out.
 * - anything else: the whole value up to 64 characters (function keys, client secrets); longer ones in 64-character
 *   pieces that cover all of it.
 */
export function secretPieces(value: string): string[] {
  const pieces = jwtPieces(value) ?? pemPieces(value) ?? opaquePieces(value);
  return [...new Set(pieces.flatMap((piece) => [piece, encodeURIComponent(piece)]))];
}

function jwtPieces(value: string): string[] | null {
  const match = JWT.exec(value);
  if (!match) return null;
  const parts = [match[1] ?? "", match[2] ?? ""].flatMap(opaquePieces);
  return [value, ...parts].filter((piece) => piece.length >= MIN_PIECE_CHARS);
}

function pemPieces(value: string): string[] | null {
  if (!value.includes("-----BEGIN ")) return null;
  return [...value.matchAll(PRIVATE_KEY_BLOCK)].flatMap((block) =>
    (block[2] ?? "").split(/\s+/).filter((line) => line.length >= MIN_PIECE_CHARS),
  );
}

function opaquePieces(value: string): string[] {
  if (value.length <= CHUNK_CHARS) return [value];
  const pieces: string[] = [];
  for (let at = 0; at + CHUNK_CHARS < value.length; at += CHUNK_CHARS) {
    pieces.push(value.slice(at, at + CHUNK_CHARS));
  }
  // The last piece ends with the value, overlapping the one before it rather than being too short to tell.
  pieces.push(value.slice(-CHUNK_CHARS));
  return pieces;
}
