import type forge from "node-forge";

/** Algorithms OpenSSL can put in a PFX that node-forge does not read, by OID. */
const NAMES: Record<string, string> = {
  "1.2.410.200046.1.1.2": "ARIA-128-CBC",
  "1.2.410.200046.1.1.7": "ARIA-192-CBC",
  "1.2.410.200046.1.1.12": "ARIA-256-CBC",
  "1.2.392.200011.61.1.1.1.2": "CAMELLIA-128-CBC",
  "1.2.392.200011.61.1.1.1.3": "CAMELLIA-192-CBC",
  "1.2.392.200011.61.1.1.1.4": "CAMELLIA-256-CBC",
  "1.2.156.10197.1.104.2": "SM4-CBC",
  "1.2.156.10197.1.401": "SM3",
  "2.16.840.1.101.3.4.2.7": "SHA3-224",
  "2.16.840.1.101.3.4.2.8": "SHA3-256",
  "2.16.840.1.101.3.4.2.9": "SHA3-384",
  "2.16.840.1.101.3.4.2.10": "SHA3-512",
  "2.16.840.1.101.3.4.2.5": "SHA-512/224",
  "2.16.840.1.101.3.4.2.6": "SHA-512/256",
  "1.2.840.113549.1.5.14": "PBMAC1",
  "1.3.6.1.4.1.11591.4.11": "scrypt",
  "1.2.840.113549.1.7.3": "envelopedData (public-key privacy mode)",
  "1.2.840.113549.1.7.2": "signedData (public-key integrity mode)",
  "1.2.840.113549.1.12.10.1.4": "CRL bag",
  "1.2.840.113549.1.12.10.1.5": "secret bag",
  "1.2.840.113549.1.12.10.1.6": "nested safe contents bag",
  "1.2.840.113549.1.9.22.2": "SDSI certificate",
};

/**
 * A readable name for an algorithm or structure OID, falling back to node-forge's names (`forge.pki.oids`, passed in:
 * node-forge is loaded on first use), then the OID.
 */
export function pkcs12AlgorithmName(oid: string, forgeNames: forge.pki.oids): string {
  const name = NAMES[oid] ?? forgeNames[oid];
  return typeof name === "string" ? `${name} (OID ${oid})` : `OID ${oid}`;
}
