/**
 * A certificate's public side as the app uses it: the chain, its facts and its key size, no key material. What a
 * credential whose key stays in Key Vault has of its certificate (see readPublicCertificate), and the part of a
 * {@link CertificateCredential} that may be described in logs and messages.
 */
export interface PublicCertificate {
  /**
   * Where it came from, for messages: e.g. "Key Vault certificate 'app-cert' version 3f2a… in
   * https://kv.vault.azure.net" or "certificate file /path/app.pfx".
   */
  source: string;
  /** PEM certificates ("\n" line ends), leaf first, then each issuer in order. */
  chainPems: string[];
  /** SHA-1 of the leaf's DER, hex, upper case (the portal's "thumbprint"). */
  thumbprintSha1: string;
  /** SHA-256 of the leaf's DER, hex, upper case. */
  thumbprintSha256: string;
  /** The leaf's subject as one line, e.g. "C=NL, O=Contoso, CN=m2m-client". */
  subject: string;
  /** The leaf's issuer, same form as `subject`. */
  issuer: string;
  /** The leaf's serial number, hex, upper case. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** Size of the key: the RSA modulus length, or the curve size for EC keys. */
  keyBits: number;
}
