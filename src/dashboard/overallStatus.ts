import type { DashboardModel } from "./createDashboard.js";

/** How much something on the status page needs attention; "ok" is nothing. */
export type Attention = "critical" | "warning" | "ok";

/** The status page's first line: all well, or what needs attention, worst first. */
export interface OverallStatus {
  level: Attention;
  /** One line: "All well: …" or "2 things need attention". */
  headline: string;
  /** What needs attention, worst first (critical, then warning; in page order within each). */
  items: { level: Exclude<Attention, "ok">; text: string }[];
}

/**
 * Pure: what an on-call person should look at first on the status page. Critical: a part that could not be read (the
 * page cannot say all is well), a certificate expired or in its critical window, a rotation that failed, a job whose
 * last run failed or timed out. Warning: a certificate in its warning window, disabled or of unknown validity, and
 * drift. Everything else is well.
 */
export function overallStatus(model: DashboardModel): OverallStatus {
  const items: OverallStatus["items"] = [];
  const add = (level: Exclude<Attention, "ok">, text: string) => items.push({ level, text });

  if (!model.certificates.ok) add("critical", "Certificates could not be read");
  else {
    const { items: certificates, rotation } = model.certificates.value;
    for (const certificate of certificates) {
      const days = certificate.daysLeft;
      const left = (days ?? 0) > 0 ? ` (${days} day${days === 1 ? "" : "s"} left)` : "";
      if (certificate.state === "expired") add("critical", `Certificate '${certificate.name}' has expired`);
      else if (certificate.state === "critical")
        add("critical", `Certificate '${certificate.name}' expires soon${left}`);
      else if (certificate.state === "warning")
        add("warning", `Certificate '${certificate.name}' expires${left}`);
      else if (certificate.state !== "valid")
        add("warning", `Certificate '${certificate.name}' is ${certificate.state.replaceAll("-", " ")}`);
      for (const finding of certificate.drift) add("warning", finding.message);
    }
    if (rotation?.step === "failed") {
      add("critical", `The key rotation failed at step '${rotation.resumeStep ?? "renewing"}'`);
    }
    for (const finding of model.certificates.value.findings) add("warning", finding.message);
  }

  if (!model.jobs.ok) add("critical", "Jobs could not be read");
  else {
    for (const job of model.jobs.value) {
      const last = job.summary;
      if (last && (last.lastStatus === "failed" || last.lastStatus === "timed-out")) {
        const streak = last.consecutiveFailures;
        add(
          "critical",
          `Job '${job.name}' ${last.lastStatus === "failed" ? "failed" : "timed out"}${streak > 1 ? ` ${streak} times in a row` : ""}${last.lastErrorCode ? ` (${last.lastErrorCode})` : ""}`,
        );
      }
    }
  }
  if (!model.alerts.ok) add("warning", "Recent alerts could not be read");

  // Worst first; within a level, in the order the page shows them.
  items.sort((a, b) => rank(a.level) - rank(b.level));
  if (items.length === 0) {
    const certificates = model.certificates.ok ? model.certificates.value.items.length : 0;
    const jobs = model.jobs.ok ? model.jobs.value.length : 0;
    return {
      level: "ok",
      headline: `All well: ${count(certificates, "certificate")} valid, ${count(jobs, "job")} without a failure`,
      items,
    };
  }
  return {
    level: items[0]!.level,
    headline: `${count(items.length, "thing")} need${items.length === 1 ? "s" : ""} attention`,
    items,
  };
}

function rank(level: Exclude<Attention, "ok">): number {
  return level === "critical" ? 0 : 1;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
