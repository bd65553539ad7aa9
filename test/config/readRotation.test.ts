import { describe, expect, it } from "vitest";
import { createSettingReader } from "../../src/config/createSettingReader.js";
import { readRotation } from "../../src/config/readRotation.js";

function read(env: Record<string, string>) {
  const reader = createSettingReader(env);
  return { value: readRotation(reader), problems: reader.problems };
}

describe("readRotation", () => {
  it("defaults to the public cloud's Graph, a 24-hour grace period, and changes made", () => {
    expect(read({})).toEqual({
      value: { graphUrl: "https://graph.microsoft.com", graceMs: 86_400_000, dryRun: false },
      problems: [],
    });
  });

  it.each([
    ["https://graph.microsoft.us", "https://graph.microsoft.us"],
    ["https://graph.microsoft.us/", "https://graph.microsoft.us"],
    ["https://microsoftgraph.chinacloudapi.cn/v1.0/", "https://microsoftgraph.chinacloudapi.cn"],
    ["https://127.0.0.1:8443/graph/v1.0", "https://127.0.0.1:8443/graph"],
    ["https://127.0.0.1:8443/graph//", "https://127.0.0.1:8443/graph"],
    ["https://127.0.0.1:8443/v1.0/graph", "https://127.0.0.1:8443/v1.0/graph"],
  ])("keeps Graph's root %s as %s (no trailing slash, no /v1.0)", (value, expected) => {
    expect(read({ M2M_GRAPH_URL: value })).toEqual({
      value: expect.objectContaining({ graphUrl: expected }) as unknown,
      problems: [],
    });
  });

  it.each(["http://graph.example", "graph.microsoft.com"])("refuses the Graph URL %s", (value) => {
    expect(read({ M2M_GRAPH_URL: value })).toEqual({
      value: expect.objectContaining({ graphUrl: "https://graph.microsoft.com" }) as unknown,
      problems: [
        `M2M_GRAPH_URL: expected Microsoft Graph root URL (default https://graph.microsoft.com; sovereign clouds have their own); got ${JSON.stringify(value)}`,
      ],
    });
  });

  it("reads the grace period in whole hours from 0 to 90 days", () => {
    expect(read({ M2M_ROTATION_GRACE_HOURS: "0" }).value.graceMs).toBe(0);
    expect(read({ M2M_ROTATION_GRACE_HOURS: "2160" }).value.graceMs).toBe(2160 * 3_600_000);
    expect(read({ M2M_ROTATION_GRACE_HOURS: "2161" }).problems).toEqual([
      'M2M_ROTATION_GRACE_HOURS: expected whole hours the old key stays registered after switching to the new certificate (default 24) (0..2160); got "2161"',
    ]);
  });

  it("reads a dry run", () => {
    expect(read({ M2M_ROTATION_DRY_RUN: "True" }).value.dryRun).toBe(true);
    expect(read({ M2M_ROTATION_DRY_RUN: "false" }).value.dryRun).toBe(false);
    expect(read({ M2M_ROTATION_DRY_RUN: "1" }).problems).toEqual([
      'M2M_ROTATION_DRY_RUN: expected true | false: report what renewal and rotation would do, change nothing (default false); got "1"',
    ]);
  });
});
