/** Where a Graph request goes: an entity set, the entity it addresses (by id or by appId) and the segments after it. */
export interface GraphPath {
  collection: "applications" | "servicePrincipals" | "users";
  /** Null for the entity set itself (`/v1.0/servicePrincipals`). */
  key: { id: string } | { appId: string } | null;
  /** Decoded segments after the entity: `["owners", "$ref"]`. */
  rest: string[];
}

const COLLECTIONS: readonly GraphPath["collection"][] = ["applications", "servicePrincipals", "users"];

const PATH =
  /^\/v1\.0\/(applications|servicePrincipals|users)(?:\/([^/()]+)|\(appId='([^']*)'\))?((?:\/[^/]+)*?)\/?$/i;

/**
 * Parses the path of a Graph request for the entity sets the stand-in serves. Graph matches entity set and navigation
 * names without regard to case and accepts the alternate key form `(appId='…')`; segments are percent-decoded
 * (`%24ref` is `$ref`). Null for a path outside `applications`, `servicePrincipals` and `users`.
 */
export function parseGraphPath(path: string): GraphPath | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  const match = PATH.exec(decoded);
  if (!match) return null;
  const [, set = "", id, appId, rest = ""] = match;
  return {
    collection: COLLECTIONS.find((name) => name.toLowerCase() === set.toLowerCase()) ?? "applications",
    key: id !== undefined ? { id } : appId !== undefined ? { appId } : null,
    rest: rest.split("/").filter(Boolean),
  };
}
