/**
 * Providers Key Vault enrols with itself ("partnered CA providers"): a new version of a certificate whose issuer
 * object has one of these is issued without a person. Current list:
 * https://learn.microsoft.com/azure/key-vault/certificates/certificate-scenarios ("The following CAs are the
 * current partnered providers with Key Vault": DigiCert, GlobalSign).
 */
export const PARTNERED_PROVIDERS: readonly string[] = ["DigiCert", "GlobalSign"];

/**
 * What a certificate policy's `issuer.name` names: the reserved `Self` (Key Vault signs it), the reserved
 * `Unknown` (a person merges a CA-signed CSR), or an issuer object whose provider decides (read it to know).
 */
export type IssuerKind = { kind: "self" } | { kind: "unknown" } | { kind: "object"; name: string };

/**
 * Pure: what the policy's issuer name names. Key Vault compares names without regard to case; a policy with no
 * issuer name is treated as `Unknown`, which is what Key Vault uses when none is given.
 */
export function issuerKind(issuerName: string | null | undefined): IssuerKind {
  const name = issuerName?.trim() ?? "";
  if (name.toLowerCase() === "self") return { kind: "self" };
  if (name === "" || name.toLowerCase() === "unknown") return { kind: "unknown" };
  return { kind: "object", name };
}

/** Pure: Key Vault issues new versions itself for this issuer provider (a partnered CA). Case is ignored. */
export function isPartneredProvider(provider: string | null | undefined): boolean {
  const wanted = provider?.trim().toLowerCase();
  return PARTNERED_PROVIDERS.some((partnered) => partnered.toLowerCase() === wanted);
}
