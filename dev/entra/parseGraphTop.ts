import { GraphError } from "./GraphError.js";

/**
 * Directory objects come 100 to a page unless `$top` asks otherwise, and at most 999: "The default page size is 100.
 * The maximum page size is 999" (Graph's paging page as first published, graph.microsoft.io/en-us/docs/concepts/paging;
 * today's https://learn.microsoft.com/graph/paging says only that APIs differ), confirmed for /users ("The default
 * page limit is 100 and the highest $top supported is 999", learn.microsoft.com/answers/questions/120381) and for
 * /applications ("it paginates the result set with 100 pieces of data by default", .../answers/questions/1340486).
 */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 999;

/**
 * The page size `$top` asks for: {@link DEFAULT_PAGE_SIZE} when absent. Not a non-negative integer: OData's 400
 * `BadRequest`; outside 1..{@link MAX_PAGE_SIZE}: the directory's 400 `Request_UnsupportedQuery` (see GraphError).
 */
export function parseGraphTop(value: string | null): number {
  if (value === null) return DEFAULT_PAGE_SIZE;
  if (!/^\d+$/.test(value.trim())) throw GraphError.invalidTopValue(value);
  const top = Number(value.trim());
  if (top < 1 || top > MAX_PAGE_SIZE) throw GraphError.invalidPageSize(value.trim(), MAX_PAGE_SIZE);
  return top;
}
