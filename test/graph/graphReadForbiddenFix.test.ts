import { describe, expect, it } from "vitest";
import { GRAPH_READ_PERMISSIONS, graphReadForbiddenFix } from "../../src/graph/graphReadForbiddenFix.js";

const APP = "3f5c2a71-0000-4000-8000-0000000a0001";
const SP = "5e7d0a11-0000-4000-8000-0000000a0009";

const commands =
  `Fix, as an administrator: az ad app permission add --id ${APP} --api 00000003-0000-0000-c000-000000000000 ` +
  `--api-permissions 18a4783c-866b-4cc7-a460-3d5e5662c884=Role; az ad app permission admin-consent --id ${APP}; ` +
  `az ad app owner add --id ${APP} --owner-object-id ${SP} ` +
  `(or, read-only: --api-permissions 9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30=Role for Application.Read.All, and no owner). ` +
  `The app sees the permission in its next Graph token: restart it, or wait until its cached token expires (at most about an hour).`;
const needs =
  "Reading its app registration (to see the registered keys before addKey and removeKey, which need no permission) " +
  "needs the Microsoft Graph application permission Application.ReadWrite.OwnedBy, with the app's service principal " +
  "an owner of the registration, or Application.Read.All.";

describe("graphReadForbiddenFix", () => {
  it("names the permission, says the token has none, and gives the az commands with the app's ids", () => {
    expect(graphReadForbiddenFix({ applicationId: APP, servicePrincipalObjectId: SP, roles: [] })).toBe(
      `${needs} Its Graph token carries no application permission (no roles claim). ${commands}`,
    );
  });

  it("lists the roles the token has when none of them allows the read", () => {
    expect(
      graphReadForbiddenFix({
        applicationId: APP,
        servicePrincipalObjectId: SP,
        roles: ["User.Read.All", "Mail.Send"],
      }),
    ).toContain("Its Graph token carries User.Read.All, Mail.Send, none of which allows it. Fix");
  });

  it("says to check the consent when the token carries a role that should allow the read", () => {
    expect(
      graphReadForbiddenFix({
        applicationId: APP,
        servicePrincipalObjectId: SP,
        roles: ["User.Read.All", "Application.Read.All"],
      }),
    ).toContain(
      "Its Graph token carries Application.Read.All, which should allow it: check that the permission was granted (admin consent) on this registration, in this tenant. Fix",
    );
    expect(
      graphReadForbiddenFix({
        applicationId: APP,
        servicePrincipalObjectId: SP,
        roles: ["Application.ReadWrite.OwnedBy", "Application.ReadWrite.All"],
      }),
    ).toContain(
      "Its Graph token carries Application.ReadWrite.OwnedBy, Application.ReadWrite.All, which should allow it",
    );
  });

  it("looks the service principal up with az when the token does not name it", () => {
    expect(
      graphReadForbiddenFix({ applicationId: APP, servicePrincipalObjectId: null, roles: [] }),
    ).toContain(
      `az ad app owner add --id ${APP} --owner-object-id $(az ad sp show --id ${APP} --query id -o tsv) (or`,
    );
  });

  it("uses the permission ids of Graph's permissions reference", () => {
    expect(GRAPH_READ_PERMISSIONS).toEqual({
      "Application.ReadWrite.OwnedBy": "18a4783c-866b-4cc7-a460-3d5e5662c884",
      "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
      "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
    });
  });
});
