import type { AlertLedger, RecentAlert } from "../alerts/AlertLedger.js";
import type { CertificateInventory, InventoryService } from "../certificates/createInventoryService.js";
import type { Clock } from "../clock/Clock.js";
import type { Deadline } from "../clock/Deadline.js";
import type { Config } from "../config/Config.js";
import type { JobsService } from "../jobs/JobsService.js";
import { jobTarget } from "../jobs/jobTarget.js";
import { nextOccurrence } from "../jobs/nextOccurrence.js";
import type { RunStatus } from "../jobs/RunResult.js";
import type { Logger } from "../logging/Logger.js";
import type { JobSummary } from "../state/JobSummary.js";

/** A part of the page: its data, or why it could not be read (the rest of the page still shows). */
export type Part<T> = { ok: true; value: T } | { ok: false; error: string };

export interface DashboardJob {
  name: string;
  enabled: boolean;
  /** NCRONTAB; a %SETTING% schedule as "<resolved> (%SETTING%)". */
  schedule: string;
  nextRun: string | null;
  /** What the job does (jobTarget): a declared job's method and URL without the query, or a code job's module. */
  request: string;
  summary: JobSummary | null;
  /** Newest first. */
  runs: {
    runId: string;
    status: RunStatus;
    startedAt: string;
    durationMs: number;
    httpStatus: number | null;
    errorCode: string | null;
  }[];
}

export interface DashboardModel {
  generatedAt: string;
  /** Seconds between the page's own refreshes. */
  refreshSeconds: number;
  expiry: Config["expiry"];
  renewBeforeDays: number;
  certificates: Part<CertificateInventory>;
  jobs: Part<DashboardJob[]>;
  alerts: Part<RecentAlert[]>;
}

export interface Dashboard {
  /**
   * The page's data. With a `deadline`, every part is ready by it: a part still waiting on a system then carries
   * TIMED_OUT naming that system, and the others show.
   */
  model(logger: Logger, deadline?: Deadline): Promise<DashboardModel>;
}

/** Runs shown per job, alerts shown, and how far back alerts are looked for. */
const RUNS_PER_JOB = 12;
const ALERTS_SHOWN = 15;
const ALERT_DAYS = 14;
/**
 * How old the certificate inventory shown may be: it is read at most once a minute per instance, whatever the viewers,
 * and every certificate check, rotation and Key Vault event reads it afresh.
 */
const INVENTORY_MAX_AGE_MS = 60_000;
/**
 * What each part waits on, for a TIMED_OUT message. The inventory reads Key Vault and Graph (and the rotation record
 * from Table Storage), in a read shared by the viewers with a deadline of its own; jobs and alerts are read from Table
 * Storage, and their reads take the deadline.
 */
const CERTIFICATES_EDGE = "Key Vault, Microsoft Graph or Table Storage";
const STORAGE_EDGE = "Table Storage";

/**
 * The status page's data: the certificate inventory, each job's recent runs and next run, and recent alerts, read
 * in parallel. A part that cannot be read (Key Vault, Graph or Table Storage down, or not answering by the deadline)
 * carries its error instead, so the page still shows the others.
 */
export function createDashboard(deps: {
  config: Config;
  inventory: InventoryService;
  jobs: JobsService;
  ledger: AlertLedger;
  clock: Clock;
  refreshSeconds?: number;
}): Dashboard {
  // Settles by the deadline even when the work does not end by it (the inventory takes no deadline yet).
  const part = <T>(deadline: Deadline | undefined, edge: string, work: () => Promise<T>): Promise<Part<T>> =>
    (deadline ? deadline.bound(edge, work) : work()).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({
        ok: false as const,
        error: error instanceof Error ? error.message : String(error),
      }),
    );

  async function jobs(now: Date, deadline: Deadline | undefined): Promise<DashboardJob[]> {
    const options = deadline ? { deadline } : {};
    return Promise.all(
      deps.jobs.definitions.map(async (job): Promise<DashboardJob> => {
        const { summary, runs } = await deps.jobs.standing(job.name, RUNS_PER_JOB, options);
        return {
          name: job.name,
          enabled: job.enabled,
          // A %SETTING% schedule shows what it resolves to, and the setting it comes from.
          schedule:
            job.schedule === job.resolvedSchedule
              ? job.schedule
              : `${job.resolvedSchedule} (${job.schedule})`,
          nextRun: job.enabled ? nextOccurrence(job.resolvedSchedule, now).toISOString() : null,
          request: jobTarget(job),
          summary,
          runs: runs.map((run) => ({
            runId: run.runId,
            status: run.status,
            startedAt: run.startedAt,
            durationMs: run.durationMs,
            httpStatus: run.httpStatus,
            errorCode: run.errorCode,
          })),
        };
      }),
    );
  }

  return {
    async model(logger, deadline) {
      const now = deps.clock();
      const since = new Date(now.getTime() - ALERT_DAYS * 86_400_000);
      const [certificates, jobList, alerts] = await Promise.all([
        // Shared by every viewer for a minute: open tabs refreshing every 30 s do not each read Key Vault and Graph.
        part(deadline, CERTIFICATES_EDGE, () => deps.inventory.recent(logger, INVENTORY_MAX_AGE_MS)),
        part(deadline, STORAGE_EDGE, () => jobs(now, deadline)),
        part(deadline, STORAGE_EDGE, () =>
          deps.ledger.recentAlerts(since, ALERTS_SHOWN, deadline ? { deadline } : {}),
        ),
      ]);
      return {
        generatedAt: now.toISOString(),
        refreshSeconds: deps.refreshSeconds ?? 30,
        expiry: deps.config.expiry,
        renewBeforeDays: deps.config.watch.renewBeforeDays,
        certificates,
        jobs: jobList,
        alerts,
      };
    },
  };
}
