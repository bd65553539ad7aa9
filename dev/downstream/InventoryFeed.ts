/** One entry of the stand-in's change feed: an inventory item as it became at `seq`. */
export interface InventoryChange {
  /** 1, 2, 3…: the feed's order, and what a reader resumes `after`. */
  seq: number;
  /** "item-001"…; an item that changes again appears again under its id. */
  id: string;
  name: string;
  quantity: number;
  /** ISO 8601 (UTC). */
  changedAt: string;
}

/** An item as a sync job writes it to `PUT /inventory/{id}`: the change it copied, without `changedAt`. */
export interface InventoryItem {
  seq: number;
  id: string;
  name: string;
  quantity: number;
}

/** One accepted `PUT /inventory/{id}`. */
export interface InventoryWrite {
  id: string;
  seq: number;
}

/** The state behind {@link inventorySync}'s routes, for a test to drive and inspect. */
export interface InventoryFeed {
  /** Every change, oldest first. */
  readonly changes: readonly InventoryChange[];
  /** Appends `count` changes and returns them; every 3rd added change updates an item seen before. */
  add(count: number): InventoryChange[];
  /** The items written with PUT, by id: the last write of each. */
  readonly inventory: ReadonlyMap<string, InventoryItem>;
  /** Every accepted PUT, in order, repeats included (the store alone cannot show that a write was repeated). */
  readonly writes: readonly InventoryWrite[];
}
