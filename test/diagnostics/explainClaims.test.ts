import { describe, expect, it } from "vitest";
import { explainClaims } from "../../src/diagnostics/explainClaims.js";

const CLIENT = "11111111-2222-4333-8444-555555555555";
const SP = "99999999-8888-4777-8666-555555555555";
const TENANT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const context = { clientId: CLIENT, scope: "api://m2m-downstream/.default" };

/** An app-only token as Entra ID issues it for client credentials with a certificate. */
const appOnly = {
  aud: "api://m2m-downstream",
  iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  iat: 1800000000,
  nbf: 1800000000,
  exp: 1800003600,
  appid: CLIENT,
  appidacr: "2",
  azp: CLIENT,
  azpacr: "2",
  idtyp: "app",
  oid: SP,
  roles: ["Reports.Read.All"],
  sub: SP,
  tid: TENANT,
  uti: "AbCdEf",
  ver: "2.0",
};

const scpAbsent = [
  "  scp       (none)",
  "            Never in an app-only token: scopes are delegated permissions, granted to an app acting for a",
  "            signed-in user. What an app may do on its own arrives in roles.",
];

describe("explainClaims", () => {
  it("explains each claim of an app-only token in a fixed order, then why groups and scp are absent", () => {
    expect(explainClaims(appOnly, context)).toBe(
      [
        "The access token's claims (decoded, not validated) and what each means:",
        "",
        "  aud       api://m2m-downstream",
        "            The API the token is for: the resource of the scope api://m2m-downstream/.default (its application",
        "            ID URI in v1.0 tokens, its client id in v2.0). The API must refuse a token whose aud is not its",
        "            own.",
        `  iss       https://login.microsoftonline.com/${TENANT}/v2.0`,
        "            Who issued it: Entra ID's token service for the tenant in tid (v2.0 tokens: .../<tenant>/v2.0;",
        "            v1.0: https://sts.windows.net/<tenant>/). The API checks it against the issuers it trusts.",
        `  tid       ${TENANT}`,
        "            The tenant that issued the token: the one in the token endpoint's URL.",
        `  appid     ${CLIENT}`,
        "            The client's application (client) id (v1.0 name; azp in v2.0): this app, M2M_CLIENT_ID.",
        `  azp       ${CLIENT}`,
        "            The client's application (client) id (v2.0 name; appid in v1.0): this app, M2M_CLIENT_ID.",
        "  appidacr  2",
        "            How the client authenticated: with a client assertion (a JWT signed with its certificate, or a",
        "            federated token) (0 public client, 1 client secret, 2 client assertion).",
        "  azpacr    2",
        "            How the client authenticated: with a client assertion (a JWT signed with its certificate, or a",
        "            federated token) (0 public client, 1 client secret, 2 client assertion).",
        "  idtyp     app",
        "            An app-only token: no user is involved (an optional claim the API's registration turns on).",
        '  roles     ["Reports.Read.All"]',
        "            The API's app roles (application permissions) assigned to this app's service principal and",
        "            consented by an admin: what the API authorizes by. A new assignment reaches only tokens issued",
        "            after it.",
        `  oid       ${SP}`,
        "            The object id of this app's service principal in this tenant (not the app registration's object",
        "            id): who the caller is, as the API sees it. Key authorization data by it.",
        `  sub       ${SP}`,
        "            The subject: in an app-only token, the service principal's object id, like oid.",
        "  iat       1800000000 (2027-01-15T08:00:00.000Z)",
        "            When the token was issued.",
        "  nbf       1800000000 (2027-01-15T08:00:00.000Z)",
        "            Valid from.",
        "  exp       1800003600 (2027-01-15T09:00:00.000Z)",
        "            Expires. Entra ID's app-only tokens live 60 to 90 minutes; MSAL serves this one from its cache",
        "            until 5 minutes before.",
        "  ver       2.0",
        "            The token format, 1.0 or 2.0: chosen by the API's registration (requestedAccessTokenVersion), not",
        "            by the v2.0 endpoint the app calls.",
        "  uti       AbCdEf",
        "            The token's identifier (Entra ID's jti).",
        "  groups    (none)",
        "            Entra ID puts groups in a token only when the API's app registration asks for them",
        '            (groupMembershipClaims "SecurityGroup" or "All" in its manifest, or the groups optional claim),',
        "            and then lists the groups the token's subject is a member of: in an app-only token, this app's",
        "            service principal (az ad group member add --group <group> --member-id",
        `            ${SP}). One of the two is missing. For authorization, use app roles`,
        "            instead: define an app role (allowed member types: Applications) on the API, assign it to this",
        "            app's service principal and grant admin consent. It arrives in roles, is scoped to that API and",
        "            never overflows (more than 200 groups and Entra ID sends a pointer to Microsoft Graph instead of",
        "            groups).",
        ...scpAbsent,
      ].join("\n"),
    );
  });

  it("says how a client secret authenticated and when the client is not M2M_CLIENT_ID", () => {
    const text = explainClaims(
      { appid: "00000000-0000-4000-8000-000000000000", appidacr: "1", roles: [] },
      context,
    );
    expect(text).toContain(
      "  appid     00000000-0000-4000-8000-000000000000\n" +
        "            The client's application (client) id (v1.0 name; azp in v2.0): not M2M_CLIENT_ID\n" +
        `            (${CLIENT}).\n`,
    );
    expect(text).toContain(
      "  appidacr  1\n" +
        "            How the client authenticated: with a client secret (0 public client, 1 client secret, 2 client\n" +
        "            assertion).\n",
    );
  });

  it("says what to do when the token has no roles", () => {
    const { roles: _roles, ...noRoles } = appOnly;
    expect(explainClaims(noRoles, context)).toContain(
      [
        "  roles     (none)",
        "            No app role of this API is assigned to this app's service principal, so the API has nothing to",
        "            authorize by. Assign the API's app roles (application permissions) to the service principal and",
        "            grant admin consent; tokens issued before keep their claims until they expire.",
        "  groups    (none)",
      ].join("\n"),
    );
  });

  it("explains the groups the service principal is in when the API asks for them", () => {
    const text = explainClaims({ ...appOnly, groups: ["0bbe91cc-b69e-414d-85a6-a043d6752215"] }, context);
    expect(text).toContain(
      [
        '  groups    ["0bbe91cc-b69e-414d-85a6-a043d6752215"]',
        "            Object ids of the groups this app's service principal is a member of: the API's registration asks",
        "            for groups (groupMembershipClaims, or the groups optional claim). They are not scoped to the API",
        "            and overflow past 200: authorize by roles where you can.",
        `  oid       ${SP}`,
      ].join("\n"),
    );
    expect(text).not.toContain("groups    (none)");
  });

  it("explains the groups overage claim instead of calling groups absent", () => {
    const text = explainClaims(
      {
        oid: SP,
        roles: ["Reports.Read.All"],
        _claim_names: { groups: "src1" },
        _claim_sources: {
          src1: { endpoint: `https://graph.windows.net/${TENANT}/users/${SP}/getMemberObjects` },
        },
      },
      context,
    );
    expect(text).toBe(
      [
        "The access token's claims (decoded, not validated) and what each means:",
        "",
        '  roles     ["Reports.Read.All"]',
        "            The API's app roles (application permissions) assigned to this app's service principal and",
        "            consented by an admin: what the API authorizes by. A new assignment reaches only tokens issued",
        "            after it.",
        '  _claim_names {"groups":"src1"}',
        "            Groups overage: this app's service principal is in more than 200 groups, the most a JWT carries,",
        "            so Entra ID left groups out. Read them from Microsoft Graph (POST",
        `            /servicePrincipals/${SP}/getMemberObjects, which needs a Graph`,
        "            permission), or better: authorize by app roles, which never overflow.",
        `  _claim_sources {"src1":{"endpoint":"https://graph.windows.net/${TENANT}/users/${SP}/getMemberObjects"}}`,
        "            Where the left-out claims can be read. The URL may be Azure AD Graph's (retired): build the",
        "            Microsoft Graph request from oid instead.",
        `  oid       ${SP}`,
        "            The object id of this app's service principal in this tenant (not the app registration's object",
        "            id): who the caller is, as the API sees it. Key authorization data by it.",
        ...scpAbsent,
      ].join("\n"),
    );
  });

  it("says a token with scp is delegated, and sends unknown claims to the reference, alphabetically", () => {
    const text = explainClaims({ zeta: 1, scp: "Reports.Read", alpha: true, aio: "x" }, context);
    expect(text).toContain(
      "  scp       Reports.Read\n" +
        "            Delegated scopes: a token with scp was issued for a signed-in user, not by client credentials.\n" +
        "  aio       x\n" +
        "            Internal to Entra ID (opaque): do not use it.\n" +
        "  alpha     true\n" +
        "            See Microsoft's access token claims reference.\n" +
        "  zeta      1\n",
    );
    expect(text).not.toContain("scp       (none)");
  });
});
