import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { certificateError } from "./certificateError.js";
import type { MaterialParts } from "./MaterialParts.js";
import { readPemBlocks, type PemBlock } from "./readPemBlocks.js";

const KEY_LABELS = new Set(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]);
const CERTIFICATE_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE"]);
/** Printed by `openssl ecparam -genkey` next to an EC key; carries nothing we need. */
const IGNORED_LABELS = new Set(["EC PARAMETERS"]);

/**
 * Reads the private keys and certificates in PEM text. `password` decrypts an encrypted key; it is
 * ignored for unencrypted ones.
 */
export function readPemMaterial(text: string, password: string | undefined, source: string): MaterialParts {
  if (text.trim() === "") {
    throw certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source} is empty. Expected PEM text with a private key and its certificate.`,
    );
  }
  const blocks = readPemBlocks(text, source);
  if (blocks.length === 0) {
    throw certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source} is not PEM: no "-----BEGIN ...-----" block found. Expected a private key ("BEGIN PRIVATE KEY") and ` +
        `certificate ("BEGIN CERTIFICATE") blocks, or a PFX file.`,
    );
  }
  const parts: MaterialParts = { form: "PEM", privateKeys: [], certificates: [] };
  for (const block of blocks) {
    if (KEY_LABELS.has(block.label)) parts.privateKeys.push(readKey(block, password, source));
    else if (CERTIFICATE_LABELS.has(block.label)) parts.certificates.push(readCertificate(block, source));
    else if (!IGNORED_LABELS.has(block.label)) {
      throw certificateError(
        "CERTIFICATE_UNREADABLE",
        `${source}: unexpected PEM block "${block.label}" on line ${block.firstLine}. Expected only "PRIVATE KEY" ` +
          `(or "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY") and "CERTIFICATE" blocks: remove the other blocks.`,
      );
    }
  }
  return parts;
}

function readKey(block: PemBlock, password: string | undefined, source: string): KeyObject {
  const encrypted =
    block.label === "ENCRYPTED PRIVATE KEY" || block.headers.some((h) => /ENCRYPTED/i.test(h));
  if (encrypted && !password) {
    throw certificateError(
      "CERTIFICATE_PASSWORD_INVALID",
      `${source} has an encrypted private key and no password was given. Set M2M_CERTIFICATE_PASSWORD (for a ` +
        `certificate file), or store the key unencrypted ("openssl pkcs8 -topk8 -nocrypt -in key.pem").`,
    );
  }
  try {
    return createPrivateKey({
      key: canonicalPem(block),
      format: "pem",
      passphrase: encrypted ? password : undefined,
    });
  } catch (error) {
    if (encrypted && /BAD_DECRYPT/.test((error as { code?: string }).code ?? "")) {
      throw certificateError(
        "CERTIFICATE_PASSWORD_INVALID",
        `${source}: the encrypted private key cannot be decrypted with the given password. Set ` +
          `M2M_CERTIFICATE_PASSWORD to the password the key was encrypted with.`,
        error,
      );
    }
    throw certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source}: the "${block.label}" block on lines ${block.firstLine}-${block.lastLine} is not a readable ` +
        `private key (${(error as Error).message}). Expected a PKCS#8 or PKCS#1 key: export the key again.`,
      error,
    );
  }
}

function readCertificate(block: PemBlock, source: string): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(block.base64, "base64"));
  } catch (error) {
    throw certificateError(
      "CERTIFICATE_UNREADABLE",
      `${source}: the "${block.label}" block on lines ${block.firstLine}-${block.lastLine} is not an X.509 ` +
        `certificate (${(error as Error).message}). Export the certificate again.`,
      error,
    );
  }
}

/** The block as OpenSSL writes it: headers, a blank line, 64-character lines. */
function canonicalPem(block: PemBlock): string {
  const headers = block.headers.length > 0 ? `${block.headers.join("\n")}\n\n` : "";
  const body = block.base64.match(/.{1,64}/g)?.join("\n") ?? "";
  return `-----BEGIN ${block.label}-----\n${headers}${body}\n-----END ${block.label}-----\n`;
}
