/** A certificate ready for MSAL: normalised and checked. Holds the private key: never log it. */
export interface CertificateCredential {
  /** Where it came from, for messages: "Key Vault certificate 'app' version 3f2a... in https://kv..." or "certificate file /x.pfx". */
  source: string;
  /** Unencrypted PKCS#8 PEM, "\n" line ends, no bag attributes. */
  privateKeyPem: string;
  /** PEM certificates, leaf first, then its issuers in order. */
  chainPems: string[];
  /** Hex, upper case. */
  thumbprintSha1: string;
  thumbprintSha256: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** RSA modulus length. */
  keyBits: number;
}
