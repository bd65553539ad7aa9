import type { GraphContext } from "./graphEndpoint.js";
import { GraphError } from "./GraphError.js";
import { parseGraphTop } from "./parseGraphTop.js";

/** One page of a Graph list, and the URL of the next one (null on the last page). */
export interface GraphPage<T> {
  items: T[];
  nextLink: string | null;
}

/**
 * The page of `all` (a directory list in its stable order) that the request's `$top` and `$skiptoken` ask for, as
 * Graph serves directory objects (https://learn.microsoft.com/graph/paging): `$top` items (default 100, see
 * parseGraphTop), and while more remain an `@odata.nextLink` that repeats the request's other query options with a
 * `$skiptoken` (see PageTokens). A token whose object is gone from the list has expired.
 */
export function graphPage<T>(
  context: GraphContext,
  collection: string,
  query: URLSearchParams,
  all: readonly T[],
  idOf: (item: T) => string,
): GraphPage<T> {
  const top = parseGraphTop(query.get("$top"));
  const token = query.get("$skiptoken");
  let start = 0;
  if (token !== null) {
    const afterId = context.pageTokens.read(token, collection, query);
    const index = all.findIndex((item) => idOf(item) === afterId);
    if (index < 0) {
      throw GraphError.pageTokenExpired(`The object ${afterId} this page continues after is gone.`);
    }
    start = index + 1;
  }
  const items = all.slice(start, start + top);
  const last = items.at(-1);
  if (start + top >= all.length || last === undefined) return { items, nextLink: null };
  const next = context.pageTokens.issue(collection, query, idOf(last));
  return { items, nextLink: nextLinkOf(context.graphBaseUrl, collection, query, next) };
}

/** Graph writes the query options' `$` as it is and percent-encodes their values. */
function nextLinkOf(base: string, collection: string, query: URLSearchParams, token: string): string {
  const options = [...query]
    .filter(([name]) => name.toLowerCase() !== "$skiptoken")
    .concat([["$skiptoken", token]])
    .map(([name, value]) => `${encodeURIComponent(name).replace(/^%24/, "$")}=${encodeURIComponent(value)}`);
  return `${base}/${collection}?${options.join("&")}`;
}
