import type { EventGridEvent, InvocationContext } from "@azure/functions";
import { daysLeft } from "../certificates/daysLeft.js";
import { createDeadline } from "../clock/Deadline.js";
import type { Services } from "../container.js";
import { contextLogger } from "../logging/contextLogger.js";

/** The `data` of Key Vault's certificate events (Event Grid schema). */
interface KeyVaultEventData {
  Id?: string;
  VaultName?: string;
  ObjectType?: string;
  ObjectName?: string;
  Version?: string;
  NBF?: number | null;
  EXP?: number | null;
}

const PREFIX = "Microsoft.KeyVault.";

/**
 * Key Vault's Event Grid events for certificates: the fast path next to the scheduled check.
 * - CertificateNewVersionCreated for the app's own certificate: the credential is reloaded at once (a rotation that
 *   has not switched yet keeps the old version), then a certificate check runs, which adopts a version created
 *   outside a rotation (registers, proves, switches to it).
 * - CertificateNearExpiry / CertificateExpired for a watched certificate (the app's own, M2M_CERT_SCOPE): a
 *   certificate check runs at once — the same renewal and alert path as the timer, so an alert is sent once
 *   whichever comes first.
 * Events about other vaults or certificates are acknowledged and ignored. Everything an event sets off ends within
 * M2M_RUN_DEADLINE_SECONDS, as the scheduled check does.
 */
export async function keyVaultEventHandler(
  event: EventGridEvent,
  context: InvocationContext,
  services: () => Pick<Services, "config" | "credentials" | "clock" | "watch">,
): Promise<void> {
  const logger = contextLogger(context);
  const data = (event.data ?? {}) as KeyVaultEventData;
  const type = event.eventType.startsWith(PREFIX) ? event.eventType.slice(PREFIX.length) : event.eventType;
  const facts = {
    eventType: event.eventType,
    eventId: event.id,
    vault: data.VaultName ?? null,
    certificate: data.ObjectName ?? null,
    version: data.Version ?? null,
    expiresOn: typeof data.EXP === "number" ? new Date(data.EXP * 1000).toISOString() : null,
  };
  if (data.ObjectType !== undefined && data.ObjectType !== "Certificate") {
    logger.info("Key Vault event ignored: not about a certificate", facts);
    return;
  }
  const { config, credentials, clock, watch } = services();
  const deadline = createDeadline({ budgetMs: config.runDeadlineMs, clock });
  const own =
    config.credential.kind === "keyvault-certificate" &&
    data.ObjectName?.toLowerCase() === config.credential.certificateName.toLowerCase() &&
    sameVault(data, config.credential.vaultUrl);

  switch (type) {
    case "CertificateNewVersionCreated":
      if (
        own &&
        config.credential.kind === "keyvault-certificate" &&
        config.credential.certificateVersion === null
      ) {
        const credential = await credentials.reload(
          `Key Vault event ${event.id}: new version ${data.Version ?? "?"}`,
          deadline,
        );
        logger.info("App certificate reloaded after a new version was created", {
          ...facts,
          loaded: credential.summary,
        });
        await watch.check(logger, `event ${event.id}`, deadline);
      } else {
        logger.info(
          "New certificate version noted (not the app's credential, or a version is pinned)",
          facts,
        );
      }
      return;
    case "CertificateNearExpiry":
    case "CertificateExpired":
      logger.warn(type === "CertificateExpired" ? "Certificate expired" : "Certificate near expiry", {
        ...facts,
        appCredential: own,
        // The count the check's records and alerts say for the same certificate.
        daysLeft: typeof data.EXP === "number" ? daysLeft(new Date(data.EXP * 1000), clock()) : null,
      });
      if (own || watched(config, data)) await watch.check(logger, `event ${event.id}`, deadline);
      else logger.info("Not a watched certificate (M2M_CERT_SCOPE): no check run", facts);
      return;
    default:
      logger.info("Key Vault event ignored", facts);
  }
}

/** The event's certificate is in M2M_CERT_SCOPE: in a watched vault, or named. */
function watched(config: Services["config"], data: KeyVaultEventData): boolean {
  const name = data.ObjectName?.toLowerCase();
  return (
    config.watch.vaults.some((vault) => sameVault(data, vault)) ||
    config.watch.certificates.some((c) => c.name.toLowerCase() === name && sameVault(data, c.vaultUrl))
  );
}

/** The event's vault is the configured one: by the object id's origin, else by the vault name (first host label). */
function sameVault(data: KeyVaultEventData, vaultUrl: string): boolean {
  const configured = new URL(vaultUrl);
  const id = data.Id ? URL.parse(data.Id) : null;
  if (id) return id.origin.toLowerCase() === configured.origin.toLowerCase();
  return data.VaultName?.toLowerCase() === configured.hostname.split(".")[0]?.toLowerCase();
}
