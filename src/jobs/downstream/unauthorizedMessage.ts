import { parseWwwAuthenticate } from "./parseWwwAuthenticate.js";
import { tokenClaimsSummary } from "./tokenClaimsSummary.js";

/** Why the API refused a fresh token (401), in the API's words when it gave them, and what to check. */
export function unauthorizedMessage(input: {
  scope: string;
  token: string;
  wwwAuthenticate: string | null;
  apiMessage: string | null;
}): string {
  const challenge = parseWwwAuthenticate(input.wwwAuthenticate);
  const said = challenge.errorDescription ?? challenge.error ?? input.apiMessage;
  return (
    `The API answered 401 Unauthorized to a freshly acquired token for '${input.scope}'` +
    (said ? `: ${said}.` : ".") +
    ` Token: ${tokenClaimsSummary(input.token)}.` +
    " Check that the job's scope is the API's Application ID URI followed by /.default, and that the API accepts tokens from this tenant and app."
  );
}
