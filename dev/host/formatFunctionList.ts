import type { LocalHost } from "./startLocalHost.js";

/** The function list `func start` prints: HTTP functions with methods and URL, other triggers with their details. */
export function formatFunctionList(
  host: Pick<LocalHost, "url" | "routePrefix" | "functions" | "timerSchedule">,
): string {
  const prefix = host.routePrefix ? `/${host.routePrefix}` : "";
  const lines = ["Functions:", ""];
  for (const fn of host.functions) {
    if (fn.route !== undefined) {
      const methods = fn.methods && fn.methods.length > 0 ? fn.methods.join(",") : "ALL";
      const key = fn.authLevel === "anonymous" ? "" : ` (${fn.authLevel} key)`;
      lines.push(`\t${fn.name}: [${methods}] ${host.url}${prefix}/${fn.route}${key}`);
    } else if (fn.schedule !== undefined) {
      const { expression, next, useMonitor } = host.timerSchedule(fn.name);
      const resolved = expression === fn.schedule ? expression : `${fn.schedule} = ${expression}`;
      const flags = [fn.runOnStartup ? "runOnStartup" : "", useMonitor ? "" : "no schedule monitor"].filter(
        Boolean,
      );
      lines.push(
        `\t${fn.name}: ${fn.triggerType} (${resolved}; next ${next.toISOString()}${flags.length ? `; ${flags.join(", ")}` : ""})`,
      );
    } else if (fn.triggerType.toLowerCase() === "eventgridtrigger") {
      lines.push(
        `\t${fn.name}: ${fn.triggerType} (POST ${host.url}/runtime/webhooks/eventgrid?functionName=${encodeURIComponent(fn.name)}, master key)`,
      );
    } else {
      lines.push(`\t${fn.name}: ${fn.triggerType}`);
    }
    lines.push("");
  }
  return lines.join("\n");
}
