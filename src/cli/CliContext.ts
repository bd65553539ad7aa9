import type { Clock } from "../clock/Clock.js";
import type { Env } from "../config/Env.js";
import type { CliIo } from "./CliIo.js";
import type { GraphPort } from "./tenant/GraphPort.js";
import type { TenantSettings } from "./tenant/TenantSettings.js";
import type { VaultCertificates } from "./tenant/VaultCertificates.js";

/** How the commands reach the tenant as the signed-in person; tests pass fakes. */
export interface TenantConnector {
  graph(tenant: TenantSettings): GraphPort;
  vault(vaultUrl: string, tenant: TenantSettings): VaultCertificates;
}

/** What every `m2m` command gets. */
export interface CliContext {
  io: CliIo;
  /** The process environment: it wins over the settings file's Values (see commandSettings). */
  env: Env;
  connect: TenantConnector;
  clock: Clock;
}
