import { randomUUID } from "node:crypto";

/** A table name no other test uses (letters and digits, starting with a letter). */
export function freshTableName(prefix = "t"): string {
  return `${prefix}${randomUUID().replaceAll("-", "").slice(0, 24)}`;
}
