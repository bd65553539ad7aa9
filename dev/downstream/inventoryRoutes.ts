import type { InventoryItem } from "./InventoryFeed.js";
import type { InventoryFeedState } from "./createInventoryFeed.js";
import type { Route, RouteAnswer } from "./Route.js";

/**
 * The sync target: `PUT /inventory/{id}` (role Inventory.Write) upserts an item — 201 with the item when its id was
 * new, 200 when it replaced one, so writing the same item twice leaves the same state — and `GET /inventory`
 * (Inventory.Write or Changes.Read) lists the stored items by id.
 */
export function inventoryRoutes(state: InventoryFeedState): Route[] {
  return [
    {
      method: "PUT",
      path: "/inventory/{id}",
      requiredRoles: ["Inventory.Write"],
      respond({ body, params, error }): RouteAnswer {
        const pathId = params.id ?? "";
        const parsed = parseItem(body, pathId);
        if (typeof parsed === "string") return { status: 400, json: error("BadRequest", parsed) };
        const created = state.put(parsed);
        return { status: created ? 201 : 200, json: parsed };
      },
    },
    {
      method: "GET",
      path: "/inventory",
      requiredRoles: ["Inventory.Write", "Changes.Read"],
      respond(): RouteAnswer {
        const value = [...state.feed.inventory.values()].sort((a, b) =>
          a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
        );
        return { json: { value } };
      },
    },
  ];
}

/** The item a PUT body holds, or why it is refused (the 400's message). */
function parseItem(body: string, pathId: string): InventoryItem | string {
  const expected = `a JSON object { "seq": <whole number ≥ 1>, "id": "${pathId}", "name": <string>, "quantity": <number> }`;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return `The body must be ${expected}; it is not JSON.`;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return `The body must be ${expected}; got ${Array.isArray(value) ? "an array" : String(value)}.`;
  }
  const { seq, id, name, quantity } = value as Record<string, unknown>;
  if (!(typeof seq === "number" && Number.isSafeInteger(seq) && seq >= 1)) {
    return `The body must be ${expected}; seq is ${shown(seq)}.`;
  }
  if (typeof id !== "string") return `The body must be ${expected}; id is ${shown(id)}.`;
  if (id !== pathId) {
    return `The body's id '${id}' differs from the id in the path '${pathId}'; PUT each item to /inventory/<its id>.`;
  }
  if (typeof name !== "string") return `The body must be ${expected}; name is ${shown(name)}.`;
  if (typeof quantity !== "number" || !Number.isFinite(quantity)) {
    return `The body must be ${expected}; quantity is ${shown(quantity)}.`;
  }
  return { seq, id, name, quantity };
}

/** A field's value for a message: as JSON, or "missing". */
function shown(value: unknown): string {
  return value === undefined ? "missing" : JSON.stringify(value);
}
