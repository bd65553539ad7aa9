import { safeUrl } from "./safeUrl.js";

/**
 * A URL in running text: a scheme, "://" and everything up to white space, a quote or an angle bracket (which a URL
 * cannot hold unencoded) — plus the markers safeUrl leaves, so scrubbing scrubbed text changes nothing. A match starts
 * only where a scheme can start and the scheme is at most 32 characters: the text is an API's body (up to
 * M2M_MAX_BODY_BYTES), and an unbounded scheme retried at every letter of a long word is quadratic.
 */
const URL_IN_TEXT =
  /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}:\/\/[^\s"'<>`]+(?:<query removed>)?(?:#?<fragment removed>)?/gi;
/**
 * A JWT (or JWE): a base64url JSON header ("eyJ" is `{"`) and two to four more dot-separated base64url parts. Whatever
 * it signs, a token in a message can be replayed until it expires. Starts only where a base64url run starts (linear
 * time, as above).
 */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}/g;
/** A credential after an HTTP authentication scheme (RFC 9110 token68): `Bearer <token>`, `Basic <base64>`. */
const AUTH_CREDENTIAL = /\b(Bearer|Basic)(\s+)([A-Za-z0-9\-._~+/]+=*)/gi;
/** An auth-param name ("realm=", "authorization_uri=") — what follows a scheme in a challenge, not a credential. */
const AUTH_PARAM_NAME = /^[a-z_-]{1,24}=$/;
/** Shorter words after "Bearer" are prose ("Bearer token expired"), not credentials. */
const MIN_CREDENTIAL_CHARS = 8;

/**
 * `text` with what may be a credential taken out: every URL with user info, a query or a fragment shown as safeUrl
 * shows it (`https://api.example/v1/items?<query removed>`; other URLs are left exactly as written), JWT-looking
 * strings and the credential after `Bearer` / `Basic` as "<redacted>". For text that came from elsewhere — an API's
 * error body, a network error, a value given in a setting — before it goes into an error, a log line, a run record or
 * an alert. Scrubbing twice gives the same text.
 */
export function scrubSecrets(text: string): string {
  const scrubbed = text
    // A URL the parser refuses becomes "<invalid URL>": its parts cannot be told apart, so none is kept.
    .replace(URL_IN_TEXT, (url) => (/[@?#]/.test(url) ? safeUrl(url) : url))
    .replace(JWT, "<redacted>");
  return scrubbed.replace(
    AUTH_CREDENTIAL,
    (match: string, scheme: string, space: string, credential: string, at: number) => {
      const next = scrubbed.charAt(at + match.length);
      // `Bearer realm="api"` and `Bearer error=invalid_token` are a challenge's parameters, not a token.
      const isParam = AUTH_PARAM_NAME.test(credential) && next !== "" && !/[\s,;]/.test(next);
      return isParam || credential.length < MIN_CREDENTIAL_CHARS ? match : `${scheme}${space}<redacted>`;
    },
  );
}
