import { formatPlannedRequest } from "../tenant/formatPlannedRequest.js";
import { vaultCreateRequest } from "../tenant/vaultCreateRequest.js";
import type {
  IssuedVaultCertificate,
  NewVaultCertificatePolicy,
  VaultCertificates,
} from "../tenant/VaultCertificates.js";
import { certificateSummary } from "./certificateSummary.js";
import type { StepOptions } from "./StepOptions.js";

/** Where the certificate stands after the step; `issued` is null only in a dry run that would create or wait. */
export type VaultCertificateOutcome =
  | { outcome: "already there" | "created"; issued: IssuedVaultCertificate }
  | { outcome: "would create" | "would wait"; issued: null };

/**
 * `m2m cert create --keyvault`: the certificate `name` in the vault, created with `policy` when the vault has none.
 * An issued certificate is reported and left alone (its policy is not changed); a creation under way is awaited,
 * not started again. In a dry run the vault is read and the create request printed, never sent.
 */
export async function ensureVaultCertificate(
  vault: VaultCertificates,
  name: string,
  policy: NewVaultCertificatePolicy,
  options: StepOptions,
): Promise<VaultCertificateOutcome> {
  const { io, deadline } = options;
  const where = `certificate '${name}' in ${vault.vaultUrl}`;
  const state = await vault.find(name, deadline);
  if (state.kind === "issued") {
    io.out(`cert create: already there: ${where} (version ${state.version}); its policy is left as it is`);
    io.out(certificateSummary(state.der).lines.join("\n"));
    return { outcome: "already there", issued: state };
  }
  if (options.dryRun) {
    if (state.kind === "pending") {
      io.out(`cert create: ${where} is being created (${state.status}); would wait for it, sending nothing`);
      return { outcome: "would wait", issued: null };
    }
    io.out(
      `cert create: would send\n${formatPlannedRequest(vaultCreateRequest(vault.vaultUrl, name, policy))}`,
    );
    return { outcome: "would create", issued: null };
  }
  const issued =
    state.kind === "pending"
      ? await vault.awaitIssued(name, deadline)
      : await vault.create(name, policy, deadline);
  io.out(
    `cert create: created: ${where} (version ${issued.version}${state.kind === "pending" ? ", by a creation already under way" : ""})`,
  );
  io.out(certificateSummary(issued.der).lines.join("\n"));
  return { outcome: "created", issued };
}
