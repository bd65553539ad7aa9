import type { InventoryChange, InventoryFeed, InventoryItem, InventoryWrite } from "./InventoryFeed.js";

/** A change a minute from a fixed instant: the same data every run, so tests can assert it literally. */
const FIRST_CHANGE_AT = Date.UTC(2025, 0, 1, 6, 0, 0);
const MINUTE_MS = 60_000;

/** The feed, and the one write its PUT route makes. */
export interface InventoryFeedState {
  feed: InventoryFeed;
  /** Stores `item` under its id; true when the id was new (201), false when it replaced (200). */
  put(item: InventoryItem): boolean;
}

/** A feed seeded with `seed` changes, one new item each (item-001, item-002…). */
export function createInventoryFeed(seed: number): InventoryFeedState {
  checkCount("changes", seed);
  const changes: InventoryChange[] = [];
  const inventory = new Map<string, InventoryItem>();
  const writes: InventoryWrite[] = [];
  let items = 0;
  let added = 0;
  let updates = 0;

  function append(updatesAnItem: boolean): InventoryChange {
    const seq = changes.length + 1;
    let number: number;
    if (updatesAnItem && items > 0) {
      // Cycle through the items seen so far, so repeated adds touch different ones.
      number = (updates % items) + 1;
      updates += 1;
    } else {
      items += 1;
      number = items;
    }
    const digits = String(number).padStart(3, "0");
    const change: InventoryChange = {
      seq,
      id: `item-${digits}`,
      name: `Item ${digits}`,
      quantity: (seq * 7) % 23,
      changedAt: new Date(FIRST_CHANGE_AT + seq * MINUTE_MS).toISOString(),
    };
    changes.push(change);
    return change;
  }

  for (let index = 0; index < seed; index += 1) append(false);

  return {
    feed: {
      get changes() {
        return changes;
      },
      add(count) {
        checkCount("add(count)", count);
        return Array.from({ length: count }, () => {
          added += 1;
          return append(added % 3 === 0);
        });
      },
      inventory,
      writes,
    },
    put(item) {
      const created = !inventory.has(item.id);
      inventory.set(item.id, { seq: item.seq, id: item.id, name: item.name, quantity: item.quantity });
      writes.push({ id: item.id, seq: item.seq });
      return created;
    },
  };
}

function checkCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number of changes (0 or more), got ${value}`);
  }
}
