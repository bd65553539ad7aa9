/**
 * Whether Entra ID left `groups` out for the overage (more than 200 groups in a JWT): `_claim_names` then maps
 * `groups` to a source in `_claim_sources`.
 */
export function isGroupsOverage(claims: Record<string, unknown>): boolean {
  const names = claims._claim_names;
  return typeof names === "object" && names !== null && "groups" in names;
}
