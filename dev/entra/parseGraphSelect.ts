import { GraphError } from "./GraphError.js";

/**
 * Parses `$select` against the properties a type models: null when absent or empty (all of them), else the named
 * properties in the type's spelling (OData property names in `$select` match without regard to case in Graph). An
 * unknown name is Graph's 400 "Could not find a property named …".
 */
export function parseGraphSelect<P extends string>(
  value: string | null,
  properties: readonly P[],
  type: string,
): P[] | null {
  if (value === null) return null;
  const names = value
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return null;
  return names.map((name) => {
    const property = properties.find((p) => p.toLowerCase() === name.toLowerCase());
    if (!property) throw GraphError.unknownProperty(name, properties, type);
    return property;
  });
}
