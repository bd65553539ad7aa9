import { renderDashboard } from "../../../src/dashboard/renderDashboard.js";
import { silentLogger } from "../../../src/logging/Logger.js";
import type { BenchMode, RowResult } from "./Row.js";
import { reportsJob, type BenchWorld } from "./world.js";

const REFRESH_MS = 30_000;

/**
 * The status page with many viewers: `viewers` open tabs, each refreshing every 30 s (the page's own refresh) from its
 * own moment, over `minutes` on the instance's clock (advanced by the bench, so a long watch takes a moment), the
 * first views all at once. Counts the Key Vault and Graph requests the stand-ins saw, per minute, against the
 * page views served.
 */
export async function dashboardRows(world: BenchWorld, mode: BenchMode): Promise<RowResult[]> {
  const viewers = mode.quick ? 10 : 50;
  const minutes = mode.quick ? 3 : 10;
  let now = Date.now();
  // The certificate's version check reads Key Vault on its own schedule, whatever the views: its own row measures it.
  const settings = world.settings({
    M2M_JOBS: reportsJob(world, "bench-dashboard"),
    M2M_KEYVAULT_REFRESH_MINUTES: "0",
  });
  const services = world.instance(settings, {
    clock: () => new Date(now),
  });
  const view = async () => {
    const model = await services.dashboard.model(silentLogger);
    if (!model.certificates.ok) {
      throw new Error(`the page could not show certificates: ${model.certificates.error}`);
    }
    renderDashboard(model);
  };
  // Warm: the certificate is loaded and the tables exist, as on an instance that has run.
  await view();
  const start = now + REFRESH_MS;
  const views: number[] = [];
  for (let viewer = 0; viewer < viewers; viewer += 1) {
    const offset = viewer === 0 ? 0 : Math.floor((viewer / viewers) * REFRESH_MS);
    for (let at = start + offset; at < start + minutes * 60_000; at += REFRESH_MS) views.push(at);
  }
  views.sort((a, b) => a - b);
  const reads = () => ({
    vault: world.standIns.vault.requests.length,
    graph: world.standIns.entra.graphRequests.length,
    table: world.tableRequests(),
  });
  const before = reads();
  // The views due at the same moment are served together, as concurrent requests are.
  for (let i = 0; i < views.length;) {
    const at = views[i]!;
    const batch = views.filter((v) => v === at).length;
    now = at;
    await Promise.all(Array.from({ length: batch }, view));
    i += batch;
  }
  const after = reads();
  const perMinute = (key: "vault" | "graph" | "table") =>
    Math.round(((after[key] - before[key]) / minutes) * 100) / 100;
  const vault = perMinute("vault");
  const graph = perMinute("graph");
  return [
    {
      id: "dashboard",
      measure: "Dashboard: Key Vault / Graph reads per minute per instance",
      figure: `${vault} Key Vault + ${graph} Graph reads a minute for ${views.length} views by ${viewers} viewers over ${minutes} min (${perMinute("table")} Table requests a minute)`,
      goal: "≤ 1 Key Vault and 1 Graph read a minute, whatever the viewers",
      atGoal: vault <= 1 && graph <= 1,
      detail: {
        viewers,
        minutes,
        views: views.length,
        perMinute: { vault, graph, table: perMinute("table") },
      },
    },
  ];
}
