/**
 * An error response of the Key Vault stand-in, in the service's envelope:
 * `{ "error": { "code", "message", "innererror"?: { "code" } } }`.
 *
 * The factories use the wording the real service sends where it is known (from service responses recorded in
 * the Azure SDK repositories and in public issue threads); messages the service's wording could not be
 * confirmed for are marked "stand-in wording".
 */
export class KeyVaultError extends Error {
  override name = "KeyVaultError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The JSON body the service sends for this error. */
  toBody(): { error: { code: string; message: string; innererror?: { code: string } } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.innerCode ? { innererror: { code: this.innerCode } } : {}),
      },
    };
  }

  /** 401 for a request without a token: the challenge that tells the SDK where to get one. */
  static missingToken(challenge: string): KeyVaultError {
    return new KeyVaultError(
      401,
      "Unauthorized",
      "AKV10000: Request is missing a Bearer or PoP token.",
      undefined,
      {
        "WWW-Authenticate": challenge,
      },
    );
  }

  /** 401 for a token the vault does not accept. The service repeats the challenge on every 401. */
  static invalidToken(message: string, challenge: string): KeyVaultError {
    return new KeyVaultError(401, "Unauthorized", message, undefined, { "WWW-Authenticate": challenge });
  }

  static forbiddenByRbac(
    caller: { appid: string; oid: string; iss: string },
    action: string,
    resource: string,
  ): KeyVaultError {
    const message = [
      "Caller is not authorized to perform action on resource.",
      "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.",
      `Caller: appid=${caller.appid};oid=${caller.oid};iss=${caller.iss}`,
      `Action: '${action}'`,
      `Resource: '${resource}'`,
      "Assignment: (not found)",
      "DenyAssignmentId: null",
      "DecisionReason: null ",
      "Vault: keyvault-stand-in;location=local",
      "",
    ].join("\r\n");
    return new KeyVaultError(403, "Forbidden", message, "ForbiddenByRbac");
  }

  /** `retryAfter`: delta seconds, or an HTTP date (as a fault may script it). */
  static throttled(retryAfter: number | string): KeyVaultError {
    return new KeyVaultError(
      429,
      "Throttled",
      "Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached",
      undefined,
      { "Retry-After": String(retryAfter) },
    );
  }

  static badParameter(message: string): KeyVaultError {
    return new KeyVaultError(400, "BadParameter", message);
  }

  static certificateNotFound(name: string, version?: string): KeyVaultError {
    return new KeyVaultError(
      404,
      "CertificateNotFound",
      `A certificate with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this certificate you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    );
  }

  static secretNotFound(name: string, version?: string): KeyVaultError {
    return new KeyVaultError(
      404,
      "SecretNotFound",
      `A secret with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    );
  }

  static secretDisabled(): KeyVaultError {
    return new KeyVaultError(
      403,
      "Forbidden",
      "Operation get is not allowed on a disabled secret.",
      "SecretDisabled",
    );
  }

  /**
   * 404 for a key that does not exist: the service's words as recorded in Azure/azure-sdk-for-js
   * `sdk/keyvault/keyvault-keys/recordings/node/` (KeyNotFound, "A key with (name/id) … was not found …").
   */
  static keyNotFound(name: string, version?: string): KeyVaultError {
    return new KeyVaultError(
      404,
      "KeyNotFound",
      `A key with (name/id) ${version ? `${name}/${version}` : name} was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
    );
  }

  /**
   * 403 for an operation on a disabled key (a disabled certificate version disables its key: "enabled … indicate[s]
   * if the certificate data can be retrieved as a secret or operable as a key",
   * https://learn.microsoft.com/azure/key-vault/certificates/about-certificates). Reading a disabled key still
   * answers, with `enabled: false`. The message follows the service's answer for a disabled secret; the inner code
   * `KeyDisabled` is by analogy with `SecretDisabled` (not confirmed).
   */
  static keyDisabled(operation: string): KeyVaultError {
    return new KeyVaultError(
      403,
      "Forbidden",
      `Operation ${operation} is not allowed on a disabled key.`,
      "KeyDisabled",
    );
  }

  /**
   * Stand-in wording: the service refuses operations outside a key's `nbf`–`exp` window ("Operations outside the nbf
   * and exp window are automatically disallowed", about-certificates); its exact answer was not confirmed.
   */
  static keyOutsideValidity(operation: string): KeyVaultError {
    return new KeyVaultError(
      403,
      "Forbidden",
      `Operation ${operation} is not allowed outside the key's validity period (nbf to exp): the certificate version is expired or not yet valid.`,
    );
  }

  /** Stand-in wording: an operation the key's `key_ops` (from the policy's key usage) do not include. */
  static keyOperationNotPermitted(operation: string): KeyVaultError {
    return new KeyVaultError(
      403,
      "Forbidden",
      `Operation ${operation} is not permitted on this key: its key_ops (from the certificate policy's key usage) do not include it.`,
    );
  }

  /** Stand-in wording: a version imported into the stand-in without its private key cannot sign. */
  static keyWithoutPrivatePart(name: string, version: string): KeyVaultError {
    return new KeyVaultError(
      501,
      "NotImplemented",
      `The Key Vault stand-in has no private key for ${name}/${version}: import the certificate with its keyPem to sign with it.`,
    );
  }

  /**
   * 404 for an issuer object that does not exist, as recorded from the service in Azure/azure-sdk-for-js
   * `sdk/keyvault/keyvault-certificates/recordings/node/certificates_client__create_read_update_and_delete/
   * recording_can_create_read_and_delete_a_certificate_issuer.js`.
   */
  static issuerNotFound(): KeyVaultError {
    return new KeyVaultError(404, "CertificateIssuerNotFound", "Issuer not found");
  }

  static pendingNotFound(name: string): KeyVaultError {
    return new KeyVaultError(404, "PendingCertificateNotFound", `Pending certificate not found: ${name}`);
  }

  /** Stand-in wording: the service answers 409 Conflict here; its exact message was not confirmed. */
  static operationInProgress(name: string): KeyVaultError {
    return new KeyVaultError(
      409,
      "Conflict",
      `There is a pending certificate operation for certificate '${name}'. Complete it (merge) or delete it before creating or importing a new version.`,
    );
  }

  static pendingNotInProgress(): KeyVaultError {
    return new KeyVaultError(403, "Forbidden", "Pending status must be in progress to allow update.");
  }

  static keyMismatch(): KeyVaultError {
    return KeyVaultError.badParameter(
      "Public key from x509 certificate and key of this instance doesn't match",
    );
  }

  /** Stand-in wording: an endpoint the stand-in does not implement. 501 is not retried by the SDKs. */
  static notImplemented(method: string, path: string): KeyVaultError {
    return new KeyVaultError(
      501,
      "NotImplemented",
      `The Key Vault stand-in does not implement ${method} ${path}. Add it under dev/keyvault/ if the app needs it.`,
    );
  }
}
