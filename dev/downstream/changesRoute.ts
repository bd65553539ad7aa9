import type { InventoryFeed } from "./InventoryFeed.js";
import type { Route, RouteAnswer } from "./Route.js";

/** The largest page a caller may ask for with `top`. */
export const MAX_PAGE_SIZE = 100;

/**
 * `GET /changes?after=<seq>[&top=<n>][&paging=link]` (role Changes.Read): the changes with `seq > after`, at most
 * `top` (default `pageSize`) in `value`. When more remain, the next page's absolute URL is sent as
 * `@odata.nextLink` in the body (OData JSON Format 4.01, "Control Information: nextLink"), or with `paging=link` as
 * `Link: <url>; rel="next"` (RFC 8288 §3, the `next` relation) with `paging=link` kept in it. The last page has no
 * next link: that, not an empty page, is how a reader knows it is done.
 */
export function changesRoute(feed: InventoryFeed, pageSize: number): Route {
  return {
    method: "GET",
    path: "/changes",
    requiredRoles: ["Changes.Read"],
    respond({ query, baseUrl, error }): RouteAnswer {
      const afterText = query.get("after");
      const topText = query.get("top");
      const paging = query.get("paging");
      const after = afterText === null ? 0 : wholeNumber(afterText);
      const top = topText === null ? pageSize : wholeNumber(topText);
      if (after === null) {
        const message = `after must be a whole number, the seq of the last change already read (0 or absent for the start); got '${afterText}'.`;
        return { status: 400, json: error("BadRequest", message) };
      }
      if (top === null || top < 1 || top > MAX_PAGE_SIZE) {
        const message = `top must be a whole number from 1 to ${MAX_PAGE_SIZE} (the page size); got '${topText}'.`;
        return { status: 400, json: error("BadRequest", message) };
      }
      if (paging !== null && paging !== "link") {
        const message = `paging must be 'link' (next link in a Link header) or absent (@odata.nextLink in the body); got '${paging}'.`;
        return { status: 400, json: error("BadRequest", message) };
      }

      const remaining = feed.changes.filter((change) => change.seq > after);
      const value = remaining.slice(0, top);
      const last = value.at(-1);
      if (!last || remaining.length <= top) return { json: { value } };
      const next = new URL("/changes", baseUrl);
      next.searchParams.set("after", String(last.seq));
      next.searchParams.set("top", String(top));
      if (paging === "link") {
        next.searchParams.set("paging", "link");
        return { json: { value }, headers: { Link: `<${next.href}>; rel="next"` } };
      }
      return { json: { value, "@odata.nextLink": next.href } };
    },
  };
}

/** The number `text` spells in decimal digits, or null ("", "-1", "1.5", "1e3" and overlong values are not). */
function wholeNumber(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}
