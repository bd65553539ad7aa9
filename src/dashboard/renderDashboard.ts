import type { RecentAlert } from "../alerts/AlertLedger.js";
import type { CertificateInventoryItem } from "../certificates/CertificateInventoryItem.js";
import type { CertificateInventory } from "../certificates/createInventoryService.js";
import type { DashboardJob, DashboardModel, Part } from "./createDashboard.js";
import { overallStatus, type OverallStatus } from "./overallStatus.js";

const DAY_MS = 86_400_000;
/** The timeline's drawing width (its viewBox); it scales to the card. */
const WIDTH = 400;

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const e = escapeHtml;

/** Dark text on light tints: every pairing is above 7:1 contrast. */
const STYLE = `
:root { color-scheme: light; --text: #1b1f24; --muted: #484f58; --line: #c9d1d9; --bg: #ffffff; --panel: #f6f8fa;
  --ok-bg: #dafbe1; --ok: #0a3622; --warn-bg: #fff3bf; --warn: #4d3300; --crit-bg: #ffe0e0; --crit: #6b0000;
  --info-bg: #ddf4ff; --info: #0a3069; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--text); background: var(--bg); }
header, main { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.25rem; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1.05rem; margin: 0; }
p.meta, .muted { color: var(--muted); }
.cards { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(22rem, 40rem)); }
section.status { margin: 1.25rem 0 0; padding: .75rem 1rem; border-radius: .5rem; }
section.status p { margin: 0; font-size: 1.1rem; }
section.status ul { margin: .5rem 0 0; padding-left: 0; list-style: none; }
section.status li { margin: .2rem 0; }
section.status .badge { background: var(--bg); }
td.when { white-space: nowrap; }
article.card { border: 1px solid var(--line); border-radius: .5rem; padding: 1rem; background: var(--panel); }
.card header { border: 0; padding: 0; margin: 0 0 .5rem; display: flex; gap: .5rem; align-items: baseline; justify-content: space-between; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .85rem; font-weight: 600; white-space: nowrap; }
.s-valid, .s-succeeded, .s-sent, .s-resolved, .s-ok { background: var(--ok-bg); color: var(--ok); }
.s-warning, .s-pending, .s-skipped, .s-not-yet-valid, .s-unknown, .s-disabled { background: var(--warn-bg); color: var(--warn); }
.s-critical, .s-expired, .s-failed, .s-timed-out, .s-firing { background: var(--crit-bg); color: var(--crit); }
.s-ok.status, .s-warning.status, .s-critical.status { color: var(--text); }
.s-info { background: var(--info-bg); color: var(--info); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem; margin: .5rem 0 0; font-size: .9rem; }
dt { color: var(--muted); } dd { margin: 0; overflow-wrap: anywhere; }
svg.timeline { width: 100%; max-width: 26rem; height: auto; display: block; margin: .5rem 0 .25rem; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; color: var(--muted); padding-bottom: .25rem; }
th, td { text-align: left; vertical-align: top; padding: .45rem .5rem; border-bottom: 1px solid var(--line); }
th { background: var(--panel); }
ol.runs { list-style: none; display: flex; gap: 3px; padding: 0; margin: 0; }
ol.runs li { width: 1.3rem; height: 1.3rem; border-radius: 3px; text-align: center; line-height: 1.3rem; font-size: .8rem; font-weight: 700; }
ol.alerts { list-style: none; padding: 0; margin: 0; }
ol.alerts li { border-bottom: 1px solid var(--line); padding: .5rem 0; }
.error { background: var(--crit-bg); color: var(--crit); padding: .5rem .75rem; border-radius: .35rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
code { font-size: .85em; }
`;

/**
 * Pure: the status page — one HTML document, no script, no external asset (it works offline and under a strict
 * Content-Security-Policy), refreshing itself with a meta refresh. Certificates on a timeline with their
 * thresholds and rotation state, jobs with their recent runs, next run and last error, and recent alerts.
 */
export function renderDashboard(model: DashboardModel): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${model.refreshSeconds}">
<title>m2m-functions status</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>m2m-functions status</h1>
<p class="meta">Generated <time datetime="${e(model.generatedAt)}">${e(shortTime(model.generatedAt))}</time> UTC · refreshes every ${model.refreshSeconds} seconds</p>
</header>
<main>
${statusLine(overallStatus(model))}
<section aria-labelledby="certificates-heading">
<h2 id="certificates-heading">Certificates</h2>
${section(model.certificates, (inventory) => certificates(inventory, model))}
</section>
<section aria-labelledby="jobs-heading">
<h2 id="jobs-heading">Jobs</h2>
${section(model.jobs, jobs)}
</section>
<section aria-labelledby="alerts-heading">
<h2 id="alerts-heading">Recent alerts</h2>
${section(model.alerts, alerts)}
</section>
</main>
</body>
</html>
`;
}

/** The first thing on the page: all well, or what needs attention, worst first. */
function statusLine(status: OverallStatus): string {
  const list =
    status.items.length === 0
      ? ""
      : `<ul>${status.items.map((item) => `<li><span class="badge s-${item.level}">${item.level}</span> ${e(item.text)}</li>`).join("")}</ul>`;
  return `<section class="status s-${status.level}" role="status" aria-label="Overall status"><p><strong>${e(status.headline)}</strong></p>${list}</section>`;
}

function section<T>(part: Part<T>, render: (value: T) => string): string {
  return part.ok
    ? render(part.value)
    : `<p class="error" role="alert">Could not be read: ${e(part.error)}</p>`;
}

function certificates(inventory: CertificateInventory, model: DashboardModel): string {
  const notes = [
    ...inventory.sources
      .filter((s) => !s.ok)
      .map((s) => `Could not read ${s.source}: ${s.error ?? "unknown error"}`),
    ...(inventory.graphError ? [`App registration unknown: ${inventory.graphError}`] : []),
    ...[...inventory.findings, ...inventory.items.flatMap((item) => item.drift)].map((f) => f.message),
  ];
  const cards = inventory.items.map((item) => certificateCard(item, inventory, model)).join("\n");
  return `${cards ? `<div class="cards">\n${cards}\n</div>` : `<p class="muted">No certificate is watched.</p>`}
${notes.length > 0 ? `<ul>${notes.map((n) => `<li>${e(n)}</li>`).join("")}</ul>` : ""}`;
}

function certificateCard(
  item: CertificateInventoryItem,
  inventory: CertificateInventory,
  model: DashboardModel,
): string {
  const rotation = item.managed ? inventory.rotation : null;
  const days =
    item.daysLeft === null
      ? "expiry unknown"
      : item.daysLeft > 0
        ? `${item.daysLeft} day${item.daysLeft === 1 ? "" : "s"} left`
        : item.daysLeft === 0
          ? "expired today"
          : `expired ${-item.daysLeft} day${item.daysLeft === -1 ? "" : "s"} ago`;
  const facts: [string, string | null][] = [
    ["Expires", item.notAfter ? shortTime(item.notAfter) : null],
    ["Vault", item.vaultUrl],
    ["In use", item.inUse ? "yes: the app signs its token requests with it" : "no"],
    ["Registration", item.registration],
    [
      "Renewal",
      item.managed ? `by the app, ${model.renewBeforeDays} days before expiry` : "not managed by this app",
    ],
    ["Issuer", item.policyIssuer ?? item.issuer],
    // SHA-1 as the Azure portal shows it; SHA-256 as the token path sends it (x5t#S256), known for the one in use.
    ["SHA-1", item.thumbprints.sha1],
    ["SHA-256", item.thumbprints.sha256],
    [
      "Rotation",
      rotation
        ? `${rotation.step}${rotation.step === "switched" && rotation.retireAfter ? `, old key removed after ${shortTime(rotation.retireAfter)}` : ""}${rotation.lastError ? ` (${rotation.lastError})` : ""}`
        : null,
    ],
  ];
  return `<article class="card" aria-labelledby="${e(cardId(item))}">
<header><h3 id="${e(cardId(item))}">${e(item.name)}</h3><span class="badge s-${e(item.state)}">${e(item.state)}</span></header>
<p><strong>${e(days)}</strong></p>
${timeline(item, model)}
<dl>${facts
    .filter((f): f is [string, string] => f[1] !== null)
    .map(([name, value]) => `<dt>${e(name)}</dt><dd>${e(value)}</dd>`)
    .join("")}</dl>
</article>`;
}

function cardId(item: CertificateInventoryItem): string {
  return `certificate-${new URL(item.vaultUrl).host}-${item.name}`.replace(/[^A-Za-z0-9-]/g, "-");
}

/**
 * The certificate's validity on a line: warning and critical bands before its expiry, a tick per reminder step,
 * the renewal point (for the app's own certificate) and today.
 */
function timeline(item: CertificateInventoryItem, model: DashboardModel): string {
  if (!item.notAfter) return "";
  const end = Date.parse(item.notAfter);
  const now = Date.parse(model.generatedAt);
  const start = item.notBefore ? Date.parse(item.notBefore) : end - 365 * DAY_MS;
  const from = Math.min(start, now);
  const to = Math.max(end, now) + (Math.max(end, now) - from) * 0.02;
  const x = (t: number) => (((t - from) / (to - from)) * WIDTH).toFixed(1);
  const warning = end - model.expiry.warningDays * DAY_MS;
  const critical = end - model.expiry.criticalDays * DAY_MS;
  const renewAt = end - model.renewBeforeDays * DAY_MS;
  const ticks = model.expiry.reminderDays
    .map((d) => end - d * DAY_MS)
    .filter((t) => t > from)
    .map((t) => `<line x1="${x(t)}" x2="${x(t)}" y1="10" y2="40" stroke="#484f58" stroke-width="1"/>`)
    .join("");
  const label =
    `Valid from ${shortTime(new Date(start).toISOString())} to ${shortTime(item.notAfter)}; ` +
    `warning from ${shortTime(new Date(warning).toISOString())}, critical from ${shortTime(new Date(critical).toISOString())}` +
    (item.managed ? `; the app renews it from ${shortTime(new Date(renewAt).toISOString())}` : "") +
    `; today is ${shortTime(model.generatedAt)}.`;
  const width = (a: number, b: number) => Math.max(0, Number(x(b)) - Number(x(a))).toFixed(1);
  const nowX = Number(x(now));
  return `<svg class="timeline" viewBox="0 0 ${WIDTH} 66" role="img" aria-label="${e(label)}">
<rect x="${x(start)}" y="14" width="${width(start, Math.max(start, warning))}" height="22" fill="#8ddb9e"/>
<rect x="${x(Math.max(start, warning))}" y="14" width="${width(Math.max(start, warning), Math.max(start, critical))}" height="22" fill="#f2cc60"/>
<rect x="${x(Math.max(start, critical))}" y="14" width="${width(Math.max(start, critical), end)}" height="22" fill="#f59a9a"/>
${ticks}
${item.managed ? `<line x1="${x(renewAt)}" x2="${x(renewAt)}" y1="14" y2="44" stroke="#0a3069" stroke-width="2.5" stroke-dasharray="4 3"/>` : ""}
<line x1="${nowX.toFixed(1)}" x2="${nowX.toFixed(1)}" y1="4" y2="46" stroke="#1b1f24" stroke-width="2.5"/>
<text x="${nowX.toFixed(1)}" y="62" font-size="13" fill="#1b1f24" text-anchor="${nowX < 40 ? "start" : nowX > WIDTH - 40 ? "end" : "middle"}">today</text>
<text x="${WIDTH}" y="10" font-size="11" fill="#484f58" text-anchor="end">expires ${e(shortTime(item.notAfter).slice(0, 10))}</text>
</svg>
<p class="visually-hidden">${e(label)}</p>`;
}

function jobs(list: DashboardJob[]): string {
  if (list.length === 0) return `<p class="muted">No job is defined (M2M_JOBS).</p>`;
  const rows = list.map((job) => {
    const runs = [...job.runs].reverse();
    const last = job.summary;
    const lastError =
      last?.lastStatus === "failed" || last?.lastStatus === "timed-out"
        ? `${last.lastErrorCode ?? "failed"}: ${last.lastErrorMessage ?? ""}`
        : null;
    return `<tr>
<th scope="row">${e(job.name)}${job.enabled ? "" : ` <span class="badge s-disabled">disabled</span>`}<div class="muted"><code>${e(job.request)}</code></div></th>
<td><code>${e(job.schedule)}</code></td>
<td class="when">${job.nextRun ? `<time datetime="${e(job.nextRun)}">${e(shortTime(job.nextRun))}</time>` : "—"}</td>
<td>${
      runs.length === 0
        ? `<span class="muted">no run yet</span>`
        : `<ol class="runs" aria-label="Last ${runs.length} runs, oldest first">${runs
            .map((run) => {
              const text = `${run.status} at ${shortTime(run.startedAt)}${run.httpStatus === null ? "" : `, HTTP ${run.httpStatus}`}, ${run.durationMs} ms${run.errorCode ? `, ${run.errorCode}` : ""}`;
              const mark =
                run.status === "succeeded"
                  ? "✓"
                  : run.status === "failed"
                    ? "✗"
                    : run.status === "timed-out"
                      ? "⏱"
                      : "–";
              return `<li class="s-${e(run.status)}" title="${e(text)}"><span aria-hidden="true">${mark}</span><span class="visually-hidden">${e(text)}</span></li>`;
            })
            .join("")}</ol>`
    }${last ? `<div class="muted">${last.consecutiveFailures > 0 ? `${last.consecutiveFailures} failed in a row` : `last succeeded ${e(shortTime(last.lastSuccessAt ?? ""))}`}</div>` : ""}</td>
<td>${lastError ? e(cut(lastError, 300)) : `<span class="muted">none</span>`}</td>
</tr>`;
  });
  return `<table>
<caption>Each job's schedule (NCRONTAB, UTC), next run and recent runs</caption>
<thead><tr><th scope="col">Job</th><th scope="col">Schedule</th><th scope="col">Next run (UTC)</th><th scope="col">Recent runs</th><th scope="col">Last error</th></tr></thead>
<tbody>
${rows.join("\n")}
</tbody>
</table>`;
}

function alerts(list: RecentAlert[]): string {
  if (list.length === 0) return `<p class="muted">No alert in the last two weeks.</p>`;
  // Newest first: a firing alert with a newer "resolved" of its subject above it is over.
  const resolvedSince = new Set<string>();
  const over = list.map(({ alert }) => {
    if (alert.kind === "resolved") {
      resolvedSince.add(alert.subject);
      return false;
    }
    return resolvedSince.has(alert.subject);
  });
  return `<ol class="alerts">
${list
  .map(({ alert, deliveries }, index) => {
    const kind = alert.kind === "resolved" ? "resolved" : alert.severity;
    const since = over[index] ? ` <span class="badge s-resolved">resolved since</span>` : "";
    return `<li><span class="badge s-${e(kind)}">${e(kind)}</span>${since} <strong>${e(alert.title)}</strong>
<div class="muted"><time datetime="${e(alert.occurredAt)}">${e(shortTime(alert.occurredAt))}</time> · ${e(alert.subject)} · ${deliveries
      .map(
        (d) =>
          `${e(d.channel)}: ${e(d.status)}${d.status === "sent" ? "" : ` (${d.attempts} attempt${d.attempts === 1 ? "" : "s"})`}`,
      )
      .join(", ")}</div></li>`;
  })
  .join("\n")}
</ol>`;
}

/** "2026-11-21 06:00" from an ISO 8601 time (UTC); the input as it is when it is not one. */
function shortTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return match ? `${match[1]} ${match[2]}` : iso;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
