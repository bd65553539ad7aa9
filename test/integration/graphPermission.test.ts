import { HttpRequest, InvocationContext } from "@azure/functions";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/cli/diagnoseCommand.js";
import type { Services } from "../../src/container.js";
import { renewCertificateHandler } from "../../src/functions/renewCertificateHandler.js";
import { DAY_MS, useCertificateWorld } from "../support/certificateWorld.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { testScenario } from "../support/useStandIns.js";

// A deployment that forgot Graph's permission: the app may roll its own keys, but cannot read its registration.
const scenario = testScenario({
  certificates: [{ name: "app", validDays: 90 }],
  graphRoles: [],
  servicePrincipalIsOwner: false,
  clientSecret: true,
});
const world = useCertificateWorld(scenario, { M2M_CERT_RENEW_BEFORE_DAYS: "5" });

let app: Services;
let expiry: number;
let servicePrincipal: string;
beforeAll(async () => {
  app = world.instance();
  expiry = (await app.credentials.current()).certificate!.notAfter.getTime();
  servicePrincipal = world.standIns().entra.getApp(scenario.app.clientId)!.servicePrincipalObjectId;
});

const id = scenario.app.clientId;
/** What every failure says after Graph's answer: the permission and the commands that grant it. */
const fix = () =>
  `Reading its app registration (to see the registered keys before addKey and removeKey, which need no permission) ` +
  `needs the Microsoft Graph application permission Application.ReadWrite.OwnedBy, with the app's service principal ` +
  `an owner of the registration, or Application.Read.All. Its Graph token carries no application permission (no roles claim). ` +
  `Fix, as an administrator: az ad app permission add --id ${id} --api 00000003-0000-0000-c000-000000000000 ` +
  `--api-permissions 18a4783c-866b-4cc7-a460-3d5e5662c884=Role; az ad app permission admin-consent --id ${id}; ` +
  `az ad app owner add --id ${id} --owner-object-id ${servicePrincipal} ` +
  `(or, read-only: --api-permissions 9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30=Role for Application.Read.All, and no owner). ` +
  `The app sees the permission in its next Graph token: restart it, or wait until its cached token expires (at most about an hour).`;
const refused = `Microsoft Graph answered GET /applications(appId='${id}') with 403 Authorization_RequestDenied: Insufficient privileges to complete the operation.`;

describe("rotation without Graph's permission", () => {
  it("fails the due renewal fast with GRAPH_FORBIDDEN, the permission and the az commands, and alerts it", async () => {
    world.at(expiry - 5 * DAY_MS);
    const versionsBefore = world.standIns().vault.getVersions("app").length;
    const { logger, entries } = recordingLogger();
    const started = Date.now();

    const report = await app.watch.check(logger, "test");

    expect(Date.now() - started).toBeLessThan(10_000);
    expect(report.renewal).toMatchObject({ due: true, report: null });
    expect(report.renewal.error).toContain(refused);
    expect(report.renewal.error).toContain(fix());
    expect(entries).toContainEqual({
      level: "error",
      message: "Certificate renewal failed; the next check tries again",
      properties: { certificate: "app", code: "GRAPH_FORBIDDEN", error: report.renewal.error },
    });
    // Nothing was renewed: the rotation stops before Key Vault.
    expect(report.inventory!.rotation).toBeNull();
    expect(world.standIns().vault.getVersions("app")).toHaveLength(versionsBefore);
    // The check says why registration is unknown, with the same fix.
    expect(report.inventory!.graphError).toContain(fix());
    const failed = world.alerts().find((a) => a.title === "Renewal of certificate 'app' failed");
    expect(failed?.text).toContain(fix());
  });

  it("answers POST /api/certificates/app/renew with 502 GRAPH_FORBIDDEN and the fix", async () => {
    const response = await renewCertificateHandler(
      new HttpRequest({
        method: "POST",
        url: "http://localhost/api/certificates/app/renew",
        params: { name: "app" },
      }),
      new InvocationContext({ functionName: "certificates-renew" }),
      () => app,
    );
    expect(response.status).toBe(502);
    const { error } = response.jsonBody as { error: { code: string; message: string } };
    expect(error.code).toBe("GRAPH_FORBIDDEN");
    expect(error.message).toContain(refused);
    expect(error.message.endsWith(fix())).toBe(true);
  });

  it("fails m2m-diagnose at the Graph step, saying what to grant", async () => {
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
    try {
      expect(
        await main(
          [],
          { ...world.standIns().settings, AzureWebJobsStorage: "UseDevelopmentStorage=true" },
          {
            settingsFile: false,
          },
        ),
      ).toBe(1);
    } finally {
      log.mockRestore();
    }
    const text = out.join("\n");
    expect(text).toMatch(/^ok {3}cached token +\d+ ms$/m);
    expect(text).toMatch(/^FAIL graph +\d+ ms\n {7}code: GRAPH_FORBIDDEN$/m);
    expect(text).toContain(`\nError GRAPH_FORBIDDEN: ${refused}`);
    expect(text.endsWith(fix())).toBe(true);
  });

  it("only warns in m2m-diagnose when the app does not renew a certificate (a client secret): its token path works", async () => {
    const out: string[] = [];
    const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
    const { settings, clientSecret } = world.standIns();
    try {
      const env = {
        ...settings,
        M2M_CREDENTIAL_SOURCE: "client-secret",
        M2M_CLIENT_SECRET: clientSecret!,
        AzureWebJobsStorage: "UseDevelopmentStorage=true",
      };
      expect(await main([], env, { settingsFile: false })).toBe(0);
    } finally {
      log.mockRestore();
    }
    const text = out.join("\n");
    expect(text).toMatch(
      /^warn graph +\d+ ms\n {7}code: GRAPH_FORBIDDEN\n {7}message: Microsoft Graph answered/m,
    );
    expect(text).toContain(
      "       impact: the certificate check cannot tell which certificates the app registration knows; the token path works",
    );
    expect(text).not.toContain("Error GRAPH_FORBIDDEN");
  });

  it("renews once the permission is granted and the service principal owns the registration", async () => {
    const { entra } = world.standIns();
    entra.assignRoles(id, "https://graph.microsoft.com", ["Application.ReadWrite.OwnedBy"]);
    entra.addOwner(id, servicePrincipal);
    // A new Graph token carries the role: a fresh instance (a restart) gets one.
    const restarted = world.instance();

    const report = await restarted.watch.check(recordingLogger().logger, "test");

    expect(report.renewal.error).toBeNull();
    expect(report.renewal.report).toMatchObject({ stoppedAt: "wait" });
    expect(report.inventory!.graphError).toBeNull();
  });
});
