import { existsSync, mkdirSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo, type Demo } from "../../dev/demo/startDemo.js";
import type { HostLogger } from "../../dev/host/HostLogger.js";

/** Debian's Chromium (package `chromium`); `.ci/run` installs it. playwright-core downloads no browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SCREENSHOT = "test-results/dashboard.png";
const quiet: HostLogger = { log: () => undefined };

let demo: Demo;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: install Debian's package (apt-get install chromium), or set CHROMIUM_PATH.`,
    );
  }
  demo = await startDemo({ port: 0, certificateCheckSeconds: 2, logger: quiet });
  // The demo story: jobs run on their schedules; the certificate is alerted, renewed and rotated.
  await demo.receiver.waitFor(3, 60_000);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const jobs = await demo.host!.invokeHttp("jobs-list");
    const list = (
      JSON.parse(jobs.body.toString()) as { jobs: { lastOutcome: { lastStatus: string } | null }[] }
    ).jobs;
    if (list.every((job) => job.lastOutcome?.lastStatus === "succeeded")) break;
    if (Date.now() > deadline) throw new Error(`the demo jobs did not all succeed: ${jobs.body.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe("the status page in headless Chromium, on the demo", () => {
  it("renders certificates, jobs and alerts from the running app, offline, and saves a screenshot", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));

    const response = await page.goto(demo.dashboardUrl);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe("m2m-functions status");

    // The overall status comes first: all well once the demo's certificate is renewed and its jobs succeed, or the
    // things that need attention, worst first.
    const status = page.locator("main > section.status");
    await expect(status.getAttribute("role")).resolves.toBe("status");
    await expect(status.locator("p strong").textContent()).resolves.toMatch(
      /^(All well: \d+ certificates? valid, \d+ jobs? without a failure|\d+ things? needs? attention)$/,
    );

    // Certificates: renewed and rotated by the demo's first checks.
    const card = page.locator("article.card", { hasText: "m2m-client" });
    await expect(card.locator(".badge").textContent()).resolves.toBe("valid");
    await expect(card.locator("dd", { hasText: "completed" }).count()).resolves.toBe(1);
    await expect(card.locator("svg.timeline").getAttribute("aria-label")).resolves.toMatch(
      /^Valid from .* the app renews it from .* today is /,
    );

    // Jobs: one row each — the two declared ones and the two example modules — with their succeeded runs in words
    // for screen readers; a code job shows its module.
    const rows = page.locator("main table tbody tr");
    await expect(rows.count()).resolves.toBe(4);
    await expect(
      page.locator("tr", { hasText: "sync-changes" }).locator("th code").textContent(),
    ).resolves.toBe("code examples/jobs/sync-changes.ts");
    const pull = page.locator("tr", { hasText: "report-pull" });
    expect(await pull.locator("ol.runs li.s-succeeded").count()).toBeGreaterThan(0);
    await expect(pull.locator("ol.runs li.s-failed").count()).resolves.toBe(0);

    // Alerts: the certificate's story, newest first.
    const alerts = await page.locator("ol.alerts li strong").allTextContents();
    expect(alerts).toEqual(
      expect.arrayContaining([
        "Certificate 'm2m-client' expires in 20 days",
        "Certificate 'm2m-client' renewed",
        "Certificate 'm2m-client' rotated",
      ]),
    );

    // Nothing but the page itself was fetched; no script error.
    expect(requests).toEqual([demo.dashboardUrl]);
    expect(problems).toEqual([]);

    // Badges are readable: text against its background at 4.5:1 or more (WCAG AA).
    const ratios = await page.$$eval(".badge, ol.runs li", (elements) => {
      const luminance = (css: string) => {
        const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
          const c = Number(v) / 255;
          return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      return elements.map((element) => {
        // Runs in the page (no DOM types in this project's TypeScript settings).
        const view = globalThis as unknown as {
          getComputedStyle(e: unknown): { color: string; backgroundColor: string };
        };
        const style = view.getComputedStyle(element);
        const [a, b] = [luminance(style.color), luminance(style.backgroundColor)].sort((x, y) => y - x);
        return (a! + 0.05) / (b! + 0.05);
      });
    });
    expect(ratios.length).toBeGreaterThan(0);
    expect(Math.min(...ratios)).toBeGreaterThanOrEqual(4.5);

    mkdirSync("test-results", { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it("asks for the function key", async () => {
    const response = await fetch(demo.dashboardUrl.replace(/\?code=.*$/, ""));
    expect(response.status).toBe(401);
  });
});
