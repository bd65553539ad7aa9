/** Why a valid token was refused with 403: the roles needed, the roles it had, and how to grant one. */
export function missingRoleMessage(input: {
  requiredRoles: readonly string[];
  roles: readonly string[];
  audience: string;
  appid: string | null;
}): string {
  const needed =
    input.requiredRoles.length === 1 ? input.requiredRoles[0]! : `any of ${input.requiredRoles.join(", ")}`;
  const had = input.roles.length ? input.roles.join(", ") : "none";
  const app = input.appid
    ? `the client app's service principal (appid ${input.appid})`
    : "the client app's service principal";
  return (
    `The token's roles claim lacks ${needed} (has: ${had}). ` +
    `Assign the app role ${input.requiredRoles[0] ?? ""} of ${input.audience} to ${app} and grant admin consent; ` +
    "tokens issued before the assignment keep their old roles until they expire."
  );
}
