import type { LocalPrincipal } from "./LocalPrincipal.js";

const DEFAULT_NAME = "developer@localhost";
const DEFAULT_ID = "00000000-0000-0000-0000-0000000000de";

const FORMS =
  'a JSON object {"name": "ada@contoso.com", "roles": ["M2M.Operator"]} (name and id optional) or app roles ' +
  'separated by commas ("M2M.Reader,M2M.Operator")';

/**
 * A principal for the local host's authentication emulation, written as `--auth-principal` and the `x-local-principal`
 * header take it: JSON with `name`, `id` and `roles`, or just the roles, comma-separated (an empty string signs in
 * with no role). Throws naming the accepted forms.
 */
export function parseLocalPrincipal(text: string): LocalPrincipal {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) {
    const roles = trimmed
      .split(",")
      .map((r) => r.trim())
      .filter((r) => r !== "");
    return { name: DEFAULT_NAME, id: DEFAULT_ID, roles };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    throw new Error(`The principal is not valid JSON: expected ${FORMS}.`);
  }
  const field = (key: string): unknown =>
    typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, key) : undefined;
  const [name, id, roles] = [field("name"), field("id"), field("roles") ?? []];
  if (
    (name !== undefined && typeof name !== "string") ||
    (id !== undefined && typeof id !== "string") ||
    !Array.isArray(roles) ||
    !roles.every((r) => typeof r === "string")
  ) {
    throw new Error(
      `The principal's name and id must be strings and its roles an array of strings: expected ${FORMS}.`,
    );
  }
  return { name: name ?? DEFAULT_NAME, id: id ?? DEFAULT_ID, roles };
}
