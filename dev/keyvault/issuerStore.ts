import type { IssuedCertificate } from "../pki/issueCertificate.js";
import { issueCertificate } from "../pki/issueCertificate.js";
import { KeyVaultError } from "./KeyVaultError.js";

/**
 * A certificate issuer object (`/certificates/issuers/{name}`): the provider a policy's `issuer.name` refers to, and
 * the account Key Vault enrols with. The password is kept but never served, as the service never returns it.
 */
export interface StoredIssuer {
  /** The name as first written; look-ups ignore case. */
  name: string;
  provider: string;
  accountId: string | null;
  password: string | null;
  organizationId: string | null;
  adminDetails: { first_name?: string; last_name?: string; email?: string; phone?: string }[] | null;
  enabled: boolean;
  createdSeconds: number;
  updatedSeconds: number;
}

/**
 * Providers Key Vault enrols with itself ("partnered CA providers"): a create with an issuer object of one of these
 * completes without a person. https://learn.microsoft.com/azure/key-vault/certificates/certificate-scenarios
 * (Step 1: "The following CAs are the current partnered providers with Key Vault": DigiCert, GlobalSign).
 */
export const PARTNERED_PROVIDERS: readonly string[] = ["DigiCert", "GlobalSign"];

export interface IssuerStore {
  /** Adds or replaces an issuer from a REST body (SetCertificateIssuer). Throws KeyVaultError 400. */
  set(name: string, body: Record<string, unknown>): StoredIssuer;
  /** The issuer by name (any case); throws 404 CertificateIssuerNotFound. */
  require(name: string): StoredIssuer;
  /**
   * Who signs a certificate for a policy's `issuer.name`: "self" for the reserved Self, the stand-in's CA for an
   * issuer object whose provider is partnered, null (a person merges) for Unknown, any other provider, or a name
   * that is not an issuer object.
   */
  signerFor(issuerName: string): Promise<"self" | { certPem: string; keyPem: string } | null>;
}

const NAME = /^[0-9a-zA-Z-]{1,127}$/;
const asRecord = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const asString = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** The vault's issuer objects, and one stand-in CA per partnered provider (made on first use). */
export function createIssuerStore(now: () => number): IssuerStore {
  const issuers = new Map<string, StoredIssuer>();
  const cas = new Map<string, Promise<IssuedCertificate>>();
  const seconds = () => Math.floor(now() / 1000);

  function caFor(provider: string): Promise<IssuedCertificate> {
    const key = provider.toLowerCase();
    let ca = cas.get(key);
    if (!ca) {
      const at = now();
      ca = issueCertificate({
        subject: `CN=${provider} (Key Vault stand-in) CA`,
        isCa: true,
        notBefore: new Date(at - 86_400_000),
        // Outlives any certificate a policy can ask for (validity_months up to 120).
        notAfter: new Date(at + 11 * 365 * 86_400_000),
      });
      cas.set(key, ca);
    }
    return ca;
  }

  return {
    set(name, body) {
      if (!NAME.test(name)) {
        // Stand-in wording: the service refuses names outside its pattern with 400 BadParameter.
        throw KeyVaultError.badParameter(
          `The issuer name '${name}' is invalid: use 1-127 letters, digits and dashes.`,
        );
      }
      const provider = asString(body.provider);
      if (!provider) {
        // Stand-in wording: `provider` is required by SetCertificateIssuer.
        throw KeyVaultError.badParameter("The issuer's provider is required.");
      }
      const credentials = asRecord(body.credentials);
      const org = asRecord(body.org_details);
      const admins = Array.isArray(org.admin_details)
        ? (org.admin_details as StoredIssuer["adminDetails"])
        : null;
      const attributes = asRecord(body.attributes);
      const existing = issuers.get(name.toLowerCase());
      const at = seconds();
      const issuer: StoredIssuer = {
        name: existing?.name ?? name,
        provider,
        accountId: asString(credentials.account_id),
        password: asString(credentials.pwd),
        organizationId: asString(org.id),
        adminDetails: admins,
        enabled: typeof attributes.enabled === "boolean" ? attributes.enabled : true,
        createdSeconds: existing?.createdSeconds ?? at,
        updatedSeconds: at,
      };
      issuers.set(name.toLowerCase(), issuer);
      return issuer;
    },

    require(name) {
      const issuer = issuers.get(name.toLowerCase());
      if (!issuer) throw KeyVaultError.issuerNotFound();
      return issuer;
    },

    async signerFor(issuerName) {
      if (issuerName.toLowerCase() === "self") return "self";
      const provider = issuers.get(issuerName.toLowerCase())?.provider;
      const partnered = PARTNERED_PROVIDERS.find((p) => p.toLowerCase() === provider?.toLowerCase());
      if (!partnered) return null;
      const ca = await caFor(partnered);
      return { certPem: ca.certPem, keyPem: ca.keyPem };
    },
  };
}
