import type { CertificateMaterial } from "./CertificateMaterial.js";
import type { MaterialParts } from "./MaterialParts.js";
import { readPemMaterial } from "./readPemMaterial.js";
import { readPkcs12Material } from "./readPkcs12Material.js";

/** The keys and certificates in PEM text or PKCS#12 bytes, not yet matched to each other. */
export function readMaterialParts(input: CertificateMaterial, source: string): MaterialParts {
  return input.kind === "pem"
    ? readPemMaterial(input.text, input.password, source)
    : readPkcs12Material(input.der, input.password, source);
}
