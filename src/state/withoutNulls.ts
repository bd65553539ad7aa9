/** The properties that have a value: Table Storage stores no nulls, so a null is written as an absent property. */
export function withoutNulls<T extends Record<string, unknown>>(properties: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(properties).filter(([, value]) => value !== null && value !== undefined),
  ) as Partial<T>;
}
