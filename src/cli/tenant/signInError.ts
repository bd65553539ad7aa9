import { M2mError } from "../../errors.js";

/**
 * The error for a sign-in that gave no token: an M2mError already explained (TIMED_OUT naming the developer sign-in)
 * is returned as it is; anything else — DefaultAzureCredential found no signed-in account, or the account was
 * refused — is SIGN_IN_UNAVAILABLE with @azure/identity's own explanation and how to sign in.
 */
export function signInError(error: unknown, context: { scope: string; tenantId: string }): M2mError {
  if (error instanceof M2mError) return error;
  // The first line says why (DefaultAzureCredential lists each credential it tried on the lines after it).
  const said = (error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)).replace(
    /\.+$/,
    "",
  );
  return new M2mError(
    "SIGN_IN_UNAVAILABLE",
    `No token for ${context.scope} as the person running m2m: ${said}. Sign in first — 'az login --tenant ${context.tenantId}' ` +
      `(or the Azure account in VS Code, or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal) — ` +
      `then run the command again.`,
    { cause: error },
  );
}
