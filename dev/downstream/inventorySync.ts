import { changesRoute, MAX_PAGE_SIZE } from "./changesRoute.js";
import { createInventoryFeed } from "./createInventoryFeed.js";
import type { InventoryFeed } from "./InventoryFeed.js";
import { inventoryRoutes } from "./inventoryRoutes.js";
import type { Route } from "./Route.js";

export type { InventoryChange, InventoryFeed, InventoryItem, InventoryWrite } from "./InventoryFeed.js";

/** Options of {@link inventorySync}. */
export interface InventorySyncOptions {
  /** Changes the feed starts with, one new item each. Default 7. */
  changes?: number;
  /** The page size when a reader sends no `top`, 1 to 100. Default 3. */
  pageSize?: number;
}

/**
 * Routes for an incremental sync job to run against the downstream stand-in, and the state behind them:
 *
 * - `GET /changes?after=<seq>[&top=<n>][&paging=link]` (role Changes.Read): a change feed read in pages. The next
 *   page's URL comes as `@odata.nextLink` in the body (OData JSON Format 4.01, "Control Information: nextLink"), or
 *   with `paging=link` as an RFC 8288 `Link: <url>; rel="next"` header; the last page has none. A job resumes from
 *   the last `seq` it stored with `after`.
 * - `PUT /inventory/{id}` (role Inventory.Write): an idempotent upsert, 201 for a new id and 200 for a replaced one.
 * - `GET /inventory` (Inventory.Write or Changes.Read): the stored items, by id.
 *
 * Serve them beside the defaults: `startDownstreamStandIn({ ..., routes: [...defaultRoutes(), ...sync.routes] })`.
 * Faults scripted on "PUT /inventory/{id}" apply to every id.
 */
export function inventorySync(options: InventorySyncOptions = {}): { routes: Route[]; feed: InventoryFeed } {
  const pageSize = options.pageSize ?? 3;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new Error(`pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  const state = createInventoryFeed(options.changes ?? 7);
  return { routes: [changesRoute(state.feed, pageSize), ...inventoryRoutes(state)], feed: state.feed };
}
