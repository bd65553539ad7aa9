import { describe, expect, it } from "vitest";
import { ambientLogger } from "../../src/logging/ambientLogger.js";
import { contextLogger } from "../../src/logging/contextLogger.js";
import { runInInvocation } from "../../src/logging/invocationScope.js";
import { recordingLogger } from "../support/recordingLogger.js";

describe("ambientLogger", () => {
  it("writes into the invocation that is running, and outside any to its fallback", async () => {
    const outside = recordingLogger();
    const invocation = recordingLogger();
    const logger = ambientLogger(outside.logger);
    logger.info("at start-up");
    await runInInvocation(invocation.logger, async () => {
      await Promise.resolve();
      logger.warn("inside", { job: "sync" });
      logger.debug("detail");
    });
    logger.error("after");
    expect(outside.entries.map((entry) => entry.message)).toEqual(["at start-up", "after"]);
    expect(invocation.entries).toEqual([
      { level: "warn", message: "inside", properties: { job: "sync" } },
      { level: "debug", message: "detail" },
    ]);
  });
});

describe("contextLogger", () => {
  it("writes each line with its properties as JSON text at the invocation's matching level", () => {
    const lines: string[] = [];
    const sink = (level: string) => (message: unknown) => lines.push(`${level}: ${String(message)}`);
    const logger = contextLogger({
      debug: sink("debug"),
      info: sink("info"),
      warn: sink("warn"),
      error: sink("error"),
    });
    logger.info("Job run succeeded", { job: "sync", call: { status: 200 } });
    logger.error("plain");
    logger.debug("quiet", {});
    logger.warn("careful");
    expect(lines).toEqual([
      'info: Job run succeeded {"job":"sync","call":{"status":200}}',
      "error: plain",
      "debug: quiet",
      "warn: careful",
    ]);
  });
});
