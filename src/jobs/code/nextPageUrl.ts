import { M2mError } from "../../errors.js";
import { safeUrl } from "../../net/safeUrl.js";

/** One page of a paged collection, as the job's HTTP client received it. */
export interface PageResponse {
  /** The URL the page came from (Response.url, after redirects): the base for relative links and the origin to keep. */
  readonly url: string;
  /** Its headers; a plain record may spell a name in any case. */
  readonly headers: Headers | Readonly<Record<string, string>>;
  /** The parsed JSON body; anything that is not a JSON object has no OData next link. */
  readonly body: unknown;
}

// The next link's name in OData 4.0 (Graph), in 4.01 (the `odata.` prefix SHOULD be left out) and in OData 3's JSON
// light (SharePoint's REST API, written without the `@`), each with the context URL of the same version.
const ODATA_NEXT_LINK = ["@odata.nextLink", "@nextLink", "odata.nextLink"] as const;
const ODATA_CONTEXT = ["@odata.context", "@context", "odata.metadata"] as const;

/**
 * The URL of the page after this one, or null on the last page. Two conventions are read:
 * - OData's next link in the body (`@odata.nextLink`, also `@nextLink` and OData 3's `odata.nextLink`); a value
 *   that is not a string, or is empty, is no link. A relative link is resolved against the payload's context URL
 *   when it has one, else against the page's URL (OData JSON Format §"Relative URLs");
 * - the RFC 8288 `Link` header's link with relation type `next` (the first one, if several), resolved against the
 *   page's URL (RFC 3986 §5).
 *
 * When both are present the body's link is followed: it is the OData service's own paging, while a `Link` header on
 * an OData response is unusual (a gateway or framework adding its own) and may not mean the same collection.
 *
 * Throws M2mError `PAGING_LINK_OFF_ORIGIN` for a next link on another origin (scheme, host or port), which the job's
 * bearer token must not follow; `PAGING_LINK_LOOP` for a next link that is the page itself (a longer cycle is the
 * caller's to catch); `PAGING_LINK_INVALID` for one that is not a URL — stopping quietly there would look like the
 * last page and lose the rest.
 */
export function nextPageUrl(response: PageResponse): string | null {
  const page = new URL(response.url);
  const found =
    oDataNextLink(response.body, page) ?? linkHeaderNext(new Headers(response.headers).get("link"), page);
  if (!found) return null;
  const next = URL.parse(found.link, found.base.href);
  if (!next) {
    throw new M2mError(
      "PAGING_LINK_INVALID",
      `The next page link in ${found.source} of ${safeUrl(page.href)} is not a URL, so the pages after it cannot ` +
        `be read. The API (or a proxy in front of it) sends a broken link: report it to its owners.`,
      { detail: { link: found.link } },
    );
  }
  if (originOf(next) !== originOf(page)) {
    throw new M2mError(
      "PAGING_LINK_OFF_ORIGIN",
      `The next page link in ${found.source} of ${safeUrl(page.href)} points to ${originOf(next)}, not to the ` +
        `page's origin ${originOf(page)}: following it would send the job's bearer token there, so it was not ` +
        `followed. If the API really pages across hosts, request ${originOf(next)} yourself with a token for its ` +
        `own scope; otherwise the API (or a proxy in front of it) sends a wrong link.`,
      { detail: { link: next.href } },
    );
  }
  // The fragment is not sent, so a link that differs only there fetches the same page again.
  if (next.href.split("#")[0] === page.href.split("#")[0]) {
    throw new M2mError(
      "PAGING_LINK_LOOP",
      `The next page link in ${found.source} of ${safeUrl(page.href)} is that page itself: following it would ` +
        `read the same page forever. The API (or a proxy in front of it) sends a wrong link: report it to its owners.`,
    );
  }
  return next.href;
}

interface FoundLink {
  readonly link: string;
  readonly base: URL;
  /** Where the link was read, for messages. */
  readonly source: string;
}

function oDataNextLink(body: unknown, page: URL): FoundLink | null {
  // Object() makes any JSON value safe to index: null and primitives simply have none of these fields.
  const fields = Object(body) as Record<string, unknown>;
  const name = ODATA_NEXT_LINK.find((key) => {
    const value = fields[key];
    return typeof value === "string" && value.trim() !== "";
  });
  if (name === undefined) return null;
  const context = ODATA_CONTEXT.map((key) => fields[key]).find((value) => typeof value === "string");
  const base = context === undefined ? page : (URL.parse(context, page.href) ?? page);
  return { link: fields[name] as string, base, source: `the body's "${name}"` };
}

/** The first link-value of a `Link` header whose `rel` lists `next`. */
function linkHeaderNext(header: string | null, page: URL): FoundLink | null {
  if (header === null) return null;
  for (const linkValue of splitOutside(header, ",")) {
    const match = /^\s*<([^>]*)>(.*)/.exec(linkValue);
    if (!match) continue;
    const params = linkParams(match[2]!);
    // A link with an anchor is about another resource ("next" of that one), unless the anchor is this page.
    const anchor = params.get("anchor");
    if (anchor !== undefined && URL.parse(anchor, page.href)?.href !== page.href) continue;
    // Relation types are separated by spaces and compared case-insensitively (RFC 8288 §2.1.1, §3.3).
    if (params.get("rel")?.toLowerCase().split(" ").includes("next")) {
      return { link: match[1]!, base: page, source: 'the Link header\'s rel="next"' };
    }
  }
  return null;
}

/** A link-value's parameters by lower-case name; the first occurrence counts (RFC 8288 §3.3 says so for rel). */
function linkParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const param of splitOutside(text, ";").slice(1)) {
    const [name, ...value] = param.split("=");
    const raw = value.join("=").trim();
    const quoted = /^"((?:[^"\\]|\\.)*)"$/.exec(raw);
    const key = name!.trim().toLowerCase();
    if (!params.has(key)) params.set(key, quoted ? quoted[1]!.replace(/\\(.)/g, "$1") : raw);
  }
  return params;
}

/** `text` split at `separator` where it stands outside a `<URI>` and outside a quoted string. */
function splitOutside(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let closing: string | null = null;
  // Stryker disable next-line EqualityOperator: one step past the end reads undefined, which no branch below takes.
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (closing === '"' && char === "\\") i++;
    else if (char === closing) closing = null;
    else if (closing !== null) continue;
    else if (char === '"') closing = '"';
    else if (char === "<") closing = ">";
    else if (char === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Scheme, host and port: what RFC 6454 compares (the default port is already left out of `host`). */
function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}
