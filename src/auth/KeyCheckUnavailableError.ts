import { M2mError } from "../errors.js";

/**
 * The app could not learn what a key opens: its host did not answer, answered something other than yes or no, or
 * the app does not know where its host is. The request is refused (fail closed) with 503; an Entra sign-in with the
 * right role does not need the check.
 */
export class KeyCheckUnavailableError extends M2mError {
  override name = "KeyCheckUnavailableError";

  constructor(message: string, options?: { cause?: unknown }) {
    super(
      "AUTH_KEY_CHECK_UNAVAILABLE",
      `${message}. Until the app can ask its host, a key cannot be accepted: check that the app can call its own ` +
        "host name (access restrictions and private endpoints apply to it too), or sign in through App Service " +
        "Authentication with the endpoint's app role instead.",
      options,
    );
  }
}
