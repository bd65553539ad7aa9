import type { CertificateMaterial } from "./CertificateMaterial.js";
import type { MaterialParts } from "./MaterialParts.js";
import { readPemMaterial } from "./readPemMaterial.js";
import { readPkcs12Material } from "./readPkcs12Material.js";

/**
 * The keys and certificates in PEM text or PKCS#12 bytes, not yet matched to each other. Asynchronous because the
 * PKCS#12 reader loads node-forge on first use; PEM is read at once.
 */
export async function readMaterialParts(input: CertificateMaterial, source: string): Promise<MaterialParts> {
  return input.kind === "pem"
    ? readPemMaterial(input.text, input.password, source)
    : readPkcs12Material(input.der, input.password, source);
}
