/**
 * Typed reads of a Table Storage entity's properties. A missing property (Table Storage stores no nulls) or one of
 * another type reads as null, so rows written by an older version never crash a reader.
 */
export function entityFields(entity: Readonly<Record<string, unknown>>) {
  return {
    string(name: string): string | null {
      const value = entity[name];
      return typeof value === "string" ? value : null;
    },
    number(name: string): number | null {
      const value = entity[name];
      return typeof value === "number" && Number.isFinite(value) ? value : null;
    },
    boolean(name: string): boolean | null {
      const value = entity[name];
      return typeof value === "boolean" ? value : null;
    },
    /** A property holding JSON text, parsed; null when missing or not JSON. */
    json(name: string): unknown {
      const value = entity[name];
      if (typeof value !== "string") return null;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return null;
      }
    },
  };
}
