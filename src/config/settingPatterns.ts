/** A GUID in its usual 8-4-4-4-12 hex form (tenant, client and managed identity ids). */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Key Vault object name: 1-127 letters, digits and dashes. */
export const CERTIFICATE_NAME = /^[0-9a-zA-Z-]{1,127}$/;
