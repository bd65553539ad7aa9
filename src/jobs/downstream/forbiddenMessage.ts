import { tokenClaimsSummary } from "./tokenClaimsSummary.js";

/** Why the API refused the token (403) — usually a missing app role — and how to grant it. */
export function forbiddenMessage(input: { scope: string; token: string; apiMessage: string | null }): string {
  return (
    `The API answered 403 Forbidden` +
    (input.apiMessage ? `: ${input.apiMessage.replace(/\.+$/, "")}.` : ".") +
    ` Token for '${input.scope}': ${tokenClaimsSummary(input.token)}.` +
    " Assign the app role the API requires to this app's service principal (the client app registration → API permissions → add the application permission, then grant admin consent)." +
    " Tokens issued before the assignment keep their old roles until they expire (up to 90 minutes)."
  );
}
