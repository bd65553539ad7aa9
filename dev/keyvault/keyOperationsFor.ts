/**
 * X.509 key usage (as a certificate policy's `x509_props.key_usage` names it) → the operations of the key Key Vault
 * creates with the certificate, from "Mapping X.509 usage to key operations" in
 * https://learn.microsoft.com/azure/key-vault/certificates/about-certificates. `keyAgreement` maps to none.
 */
const OPERATIONS_BY_USAGE: Record<string, readonly string[]> = {
  dataencipherment: ["encrypt", "decrypt"],
  decipheronly: ["decrypt"],
  digitalsignature: ["sign", "verify"],
  encipheronly: ["encrypt"],
  keycertsign: ["sign", "verify"],
  keyencipherment: ["wrapKey", "unwrapKey"],
  nonrepudiation: ["sign", "verify"],
  crlsign: ["sign", "verify"],
};

/** The order Key Vault lists `key_ops` in (as in its answers recorded in the Azure SDK repositories). */
const ORDER = ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"];

/**
 * The `key_ops` of a certificate's key for the policy's key usage. No usage at all gets the service's default,
 * digitalSignature and keyEncipherment (the same page: "Key Vault default without a usage specification").
 */
export function keyOperationsFor(keyUsage: readonly string[]): string[] {
  const usage = keyUsage.length > 0 ? keyUsage : ["digitalSignature", "keyEncipherment"];
  const granted = new Set(usage.flatMap((u) => OPERATIONS_BY_USAGE[u.toLowerCase()] ?? []));
  return ORDER.filter((operation) => granted.has(operation));
}
