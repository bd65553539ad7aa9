import { randomBytes } from "node:crypto";
import forge from "node-forge";

/** PBKDF2 iterations of the key's encryption and of the MAC: OpenSSL 3's default (PKCS12_DEFAULT_ITER). */
const ITERATIONS = 2048;
/** forge writes the MAC's iteration count as a 2-byte INTEGER at most ("Only support count < 65536"). */
const MAC_SALT_BYTES = 16;

/**
 * A password-protected PKCS#12 (PFX) of a key and its certificate, in OpenSSL 3's default form: the key shrouded
 * with PBES2 (PBKDF2 with HMAC-SHA-256, AES-256-CBC), the certificate in a plain bag, and an HMAC-SHA-256 integrity
 * MAC (RFC 7292 appendix B key derivation with SHA-256). Windows, OpenSSL 3, .NET and the app's own reader
 * (readPkcs12Material) open it. node-forge writes everything but the MAC, which it can only write with SHA-1; the
 * MAC is added here. As OpenSSL does, the password is used as UTF-8 for PBES2 and as a BMPString for the MAC, so a
 * non-ASCII password works everywhere.
 */
export function toPkcs12(keyPem: string, certPem: string, password: string, friendlyName: string): Buffer {
  const key = forge.pki.privateKeyFromPem(keyPem);
  const cert = forge.pki.certificateFromPem(certPem);
  // prfAlgorithm reaches forge's encryptPrivateKeyInfo, which toPkcs12Asn1 passes its options to; the type
  // declarations leave it out, so the options are a variable rather than a literal.
  const options = {
    algorithm: "aes256" as const,
    prfAlgorithm: "sha256",
    count: ITERATIONS,
    saltSize: 16,
    useMac: false,
    friendlyName,
    generateLocalKeyId: true,
  };
  const unsigned = forge.pkcs12.toPkcs12Asn1(key, [cert], forge.util.encodeUtf8(password), options);
  return withSha256Mac(unsigned, password);
}

/**
 * The DER of `pfx` (its MacData, if any, left out) with an HMAC-SHA-256 MAC over its AuthenticatedSafe, keyed from
 * `password` as a BMPString. PFX ::= SEQUENCE { version, authSafe ContentInfo, macData MacData OPTIONAL }; authSafe's
 * content is [0] { OCTET STRING <DER of the AuthenticatedSafe> }, and the MAC is over those DER bytes.
 */
export function withSha256Mac(pfx: forge.asn1.Asn1, password: string): Buffer {
  const [version, authSafe] = pfx.value as forge.asn1.Asn1[];
  const safeBytes = octetStringOf(authSafe!);
  const salt = randomBytes(MAC_SALT_BYTES).toString("binary");
  const macKey = forge.pkcs12.generateKey(
    password,
    forge.util.createBuffer(salt),
    3,
    ITERATIONS,
    32,
    forge.md.sha256.create(),
  );
  const hmac = forge.hmac.create();
  hmac.start(forge.md.sha256.create(), macKey.getBytes());
  hmac.update(safeBytes);
  const { asn1 } = forge;
  const macData = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        asn1.create(
          asn1.Class.UNIVERSAL,
          asn1.Type.OID,
          false,
          asn1.oidToDer(forge.pki.oids.sha256!).getBytes(),
        ),
        asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
      ]),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, hmac.digest().getBytes()),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, salt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(ITERATIONS).getBytes()),
  ]);
  const signed = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [version!, authSafe!, macData]);
  return Buffer.from(asn1.toDer(signed).getBytes(), "binary");
}

/** The bytes of the OCTET STRING inside a PKCS#7 `data` ContentInfo: `SEQUENCE { OID, [0] { OCTET STRING } }`. */
function octetStringOf(contentInfo: forge.asn1.Asn1): string {
  const [, explicit] = contentInfo.value as forge.asn1.Asn1[];
  const [octets] = explicit!.value as forge.asn1.Asn1[];
  return octets!.value as string;
}
