import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRegistration, DirectoryUser } from "../../dev/entra/Directory.js";
import { seedTenantObjects } from "../../dev/entra/seedTenantObjects.js";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import { issueCertificate } from "../../dev/pki/issueCertificate.js";
import { readScenario } from "../../dev/scenario.js";
import {
  errorOf,
  graph,
  registerClient,
  tokenFor,
  type GraphAnswer,
  type SecretClient,
} from "./fixtures/graphCaller.js";

const DENIED = {
  code: "Authorization_RequestDenied",
  message: "Insufficient privileges to complete the operation.",
};
const TAMPERED =
  "The specified page token value has expired and can no longer be included in your request. (This $skiptoken was not issued by the stand-in or was altered: send the @odata.nextLink as it is.)";

let standIn: EntraStandIn;
/** Application.Read.All: lists applications. */
let appReader: SecretClient;
/** User.Read.All: lists users. */
let userReader: SecretClient;
/** No Graph permission at all. */
let nobody: SecretClient;
/** One client per other Graph permission the tests try, by permission. */
const holders: Record<string, SecretClient> = {};
/** Every application in registration order: the clients and one with a certificate (8: pages of 3, 3, 2). */
let apps: AppRegistration[];
/** Seven users (pages of 3, 3, 1). */
let users: DirectoryUser[];

beforeAll(async () => {
  standIn = await startEntraStandIn();
  appReader = registerClient(standIn, "app reader", ["Application.Read.All"]);
  userReader = registerClient(standIn, "user reader", ["User.Read.All"]);
  nobody = registerClient(standIn, "no permissions");
  for (const role of [
    "Application.ReadWrite.OwnedBy",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "User.ReadBasic.All",
  ]) {
    holders[role] = registerClient(standIn, `holder of ${role}`, [role]);
  }
  const inventory = standIn.registerApp({ displayName: "inventory" });
  const { certPem } = await issueCertificate({ subject: "CN=paging" });
  standIn.addCertificate(inventory.clientId, { certPem });
  apps = standIn.directory.listApps();
  users = ["Ada", "Bruno", "Chen", "Dana", "Emil", "Farah", "Gus"].map((name, i) =>
    standIn.addUser({
      displayName: `${name} Example`,
      userPrincipalName: `${name.toLowerCase()}@paging.onmicrosoft.com`,
      givenName: name,
      surname: "Example",
      ...(i === 0 ? { mail: "ada@paging.onmicrosoft.com", jobTitle: "Engineer" } : {}),
      ...(i === 6 ? { accountEnabled: false } : {}),
    }),
  );
});
afterAll(async () => {
  await standIn?.stop();
});

/** Follows `@odata.nextLink` from `path` until a page has none; the answers in order. */
async function everyPage(path: string, token: string): Promise<GraphAnswer[]> {
  const answers: GraphAnswer[] = [];
  let next: string | null = path;
  while (next !== null && answers.length < 10) {
    const answer = await graph(standIn, "GET", next, token);
    answers.push(answer);
    const link = answer.body?.["@odata.nextLink"];
    if (typeof link === "string" && !link.startsWith(`${standIn.graphBaseUrl}/`)) {
      throw new Error(`nextLink ${link} is not on the stand-in's Graph`);
    }
    next = typeof link === "string" ? link.slice(standIn.graphBaseUrl.length) : null;
  }
  return answers;
}

const valueOf = (answer: GraphAnswer) => answer.body?.value as Record<string, unknown>[];
const skiptokenOf = (answer: GraphAnswer) =>
  new URL(String(answer.body?.["@odata.nextLink"])).searchParams.get("$skiptoken") ?? "";

describe("GET /v1.0/applications", () => {
  it("pages through every application in registration order: 3 pages with $top=3, no nextLink on the last", async () => {
    const pages = await everyPage("/applications?$top=3", await tokenFor(standIn, appReader));

    expect(pages.map((p) => p.status)).toEqual([200, 200, 200]);
    expect(pages.map((p) => valueOf(p).length)).toEqual([3, 3, 2]);
    expect(pages.flatMap((p) => valueOf(p).map((a) => a.id))).toEqual(apps.map((a) => a.objectId));
    expect(pages[0]?.body?.["@odata.context"]).toBe(`${standIn.graphBaseUrl}/$metadata#applications`);
    expect(String(pages[0]?.body?.["@odata.nextLink"])).toMatch(
      new RegExp(`^${standIn.graphBaseUrl}/applications\\?\\$top=3&\\$skiptoken=[\\w.-]+$`),
    );
    expect(pages[2]?.body).not.toHaveProperty("@odata.nextLink");
  });

  it("answers each application in Graph's shape, keyCredentials without their key", async () => {
    const answer = await graph(standIn, "GET", "/applications", await tokenFor(standIn, appReader));

    const inventory = apps.at(-1);
    expect(valueOf(answer).at(-1)).toEqual({
      id: inventory?.objectId,
      appId: inventory?.clientId,
      displayName: "inventory",
      keyCredentials: [expect.objectContaining({ key: null, type: "AsymmetricX509Cert", usage: "Verify" })],
      passwordCredentials: [],
    });
  });

  it("returns the $select-ed properties on every page and keeps $select in the nextLink", async () => {
    const pages = await everyPage(
      "/applications?$select=id,displayName&$top=3",
      await tokenFor(standIn, appReader),
    );

    expect(pages[0]?.body?.["@odata.context"]).toBe(
      `${standIn.graphBaseUrl}/$metadata#applications(id,displayName)`,
    );
    expect(String(pages[0]?.body?.["@odata.nextLink"])).toContain(
      "/applications?$select=id%2CdisplayName&$top=3&$skiptoken=",
    );
    expect(pages.flatMap(valueOf)).toEqual(apps.map((a) => ({ id: a.objectId, displayName: a.displayName })));
  });

  it.each([["Application.ReadWrite.OwnedBy"], ["Application.ReadWrite.All"], ["Directory.Read.All"]])(
    "lets a caller with %s list every application",
    async (role) => {
      const token = await tokenFor(standIn, holders[role] as SecretClient);

      const answer = await graph(standIn, "GET", "/applications", token);

      expect(answer.status).toBe(200);
      expect(valueOf(answer)).toHaveLength(8);
    },
  );

  it.each([
    ["no Graph permission", () => nobody],
    ["only User.Read.All", () => userReader],
  ])("refuses a caller with %s: 403 Authorization_RequestDenied", async (_label, client) => {
    const answer = await graph(standIn, "GET", "/applications", await tokenFor(standIn, client()));

    expect(answer.status).toBe(403);
    expect(errorOf(answer)).toMatchObject(DENIED);
  });

  it("answers 405 to a method other than GET on the list", async () => {
    const answer = await graph(standIn, "POST", "/applications", await tokenFor(standIn, appReader), {});

    expect(answer.status).toBe(405);
    expect(answer.headers.get("allow")).toBe("GET");
  });
});

describe("GET /v1.0/users", () => {
  it("pages through every user in creation order: 3 pages with $top=3, no nextLink on the last", async () => {
    const pages = await everyPage("/users?$top=3", await tokenFor(standIn, userReader));

    expect(pages.map((p) => valueOf(p).length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => valueOf(p).map((u) => u.id))).toEqual(users.map((u) => u.id));
    expect(pages[2]?.body).not.toHaveProperty("@odata.nextLink");
    expect(pages[0]?.body?.["@odata.context"]).toBe(`${standIn.graphBaseUrl}/$metadata#users`);
  });

  it("answers Graph's default user properties without $select, absent ones null", async () => {
    const { body } = await graph(standIn, "GET", "/users?$top=1", await tokenFor(standIn, userReader));

    expect(body?.value).toEqual([
      {
        businessPhones: [],
        displayName: "Ada Example",
        givenName: "Ada",
        jobTitle: "Engineer",
        mail: "ada@paging.onmicrosoft.com",
        mobilePhone: null,
        officeLocation: null,
        preferredLanguage: null,
        surname: "Example",
        userPrincipalName: "ada@paging.onmicrosoft.com",
        id: users[0]?.id,
      },
    ]);
  });

  it("returns the $select-ed properties, accountEnabled included, on every page", async () => {
    const pages = await everyPage(
      "/users?$select=id,userPrincipalName,accountEnabled&$top=3",
      await tokenFor(standIn, userReader),
    );

    expect(pages[0]?.body?.["@odata.context"]).toBe(
      `${standIn.graphBaseUrl}/$metadata#users(id,userPrincipalName,accountEnabled)`,
    );
    expect(pages.flatMap(valueOf).at(-1)).toEqual({
      userPrincipalName: "gus@paging.onmicrosoft.com",
      id: users[6]?.id,
      accountEnabled: false,
    });
    expect(pages.flatMap(valueOf)).toHaveLength(7);
  });

  it("answers every user on one page without $top (the default page size is 100)", async () => {
    const answer = await graph(standIn, "GET", "/users", await tokenFor(standIn, userReader));

    expect(valueOf(answer)).toHaveLength(7);
    expect(answer.body).not.toHaveProperty("@odata.nextLink");
  });

  it("lets a caller with Directory.Read.All list the users", async () => {
    const token = await tokenFor(standIn, holders["Directory.Read.All"] as SecretClient);

    const answer = await graph(standIn, "GET", "/users", token);

    expect(answer.status).toBe(200);
    expect(valueOf(answer)).toHaveLength(7);
  });

  it.each([
    ["no Graph permission", () => nobody],
    ["only Application.Read.All", () => appReader],
    ["only User.ReadBasic.All", () => holders["User.ReadBasic.All"] as SecretClient],
  ])("refuses a caller with %s: 403 Authorization_RequestDenied", async (_label, client) => {
    const answer = await graph(standIn, "GET", "/users", await tokenFor(standIn, client()));

    expect(answer.status).toBe(403);
    expect(errorOf(answer)).toMatchObject(DENIED);
  });

  it("answers 400 for one user's path, which the stand-in does not serve", async () => {
    const answer = await graph(standIn, "GET", `/users/${users[0]?.id}`, await tokenFor(standIn, userReader));

    expect(answer.status).toBe(400);
    expect(errorOf(answer).code).toBe("BadRequest");
  });
});

describe("$top and $skiptoken", () => {
  it.each([
    [
      "0",
      "Request_UnsupportedQuery",
      "Invalid page size specified: '0'. Must be between 1 and 999 inclusive.",
    ],
    [
      "1000",
      "Request_UnsupportedQuery",
      "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive.",
    ],
    [
      "-1",
      "BadRequest",
      "Invalid value '-1' for $top query option found. The $top query option requires a non-negative integer value.",
    ],
    [
      "ten",
      "BadRequest",
      "Invalid value 'ten' for $top query option found. The $top query option requires a non-negative integer value.",
    ],
  ])("refuses $top=%s with 400 %s", async (top, code, message) => {
    const token = await tokenFor(standIn, userReader);

    const answer = await graph(standIn, "GET", `/users?$top=${top}`, token);

    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code, message });
  });

  it("takes $top=999, the largest page", async () => {
    const { status, body } = await graph(
      standIn,
      "GET",
      "/applications?$top=999",
      await tokenFor(standIn, appReader),
    );

    expect(status).toBe(200);
    expect(body).not.toHaveProperty("@odata.nextLink");
  });

  it("refuses an altered $skiptoken: 400 Directory_ExpiredPageToken", async () => {
    const token = await tokenFor(standIn, userReader);
    const first = await graph(standIn, "GET", "/users?$top=3", token);
    const skiptoken = skiptokenOf(first);
    const altered = `${skiptoken.slice(0, 5)}${skiptoken[5] === "A" ? "B" : "A"}${skiptoken.slice(6)}`;

    const answer = await graph(
      standIn,
      "GET",
      `/users?$top=3&$skiptoken=${encodeURIComponent(altered)}`,
      token,
    );

    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ code: "Directory_ExpiredPageToken", message: TAMPERED });
  });

  it("refuses a $skiptoken another stand-in issued", async () => {
    const other = await startEntraStandIn();
    try {
      const client = registerClient(other, "other reader", ["User.Read.All"]);
      for (const name of ["a", "b"])
        other.addUser({ displayName: name, userPrincipalName: `${name}@other.example` });
      const first = await graph(other, "GET", "/users?$top=1", await tokenFor(other, client));

      const answer = await graph(
        standIn,
        "GET",
        `/users?$top=1&$skiptoken=${encodeURIComponent(skiptokenOf(first))}`,
        await tokenFor(standIn, userReader),
      );

      expect(answer.status).toBe(400);
      expect(errorOf(answer)).toMatchObject({ code: "Directory_ExpiredPageToken", message: TAMPERED });
    } finally {
      await other.stop();
    }
  });

  it.each([
    ["another $top", "/users?$top=2"],
    ["another $select", "/users?$top=3&$select=id"],
    ["another entity set", "/applications?$top=3"],
  ])("refuses a $skiptoken sent with %s than the query that issued it", async (_label, path) => {
    // Directory.Read.All reads both entity sets.
    const token = await tokenFor(standIn, holders["Directory.Read.All"] as SecretClient);
    const first = await graph(standIn, "GET", "/users?$top=3", token);

    const answer = await graph(
      standIn,
      "GET",
      `${path}&$skiptoken=${encodeURIComponent(skiptokenOf(first))}`,
      token,
    );

    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({
      code: "Directory_ExpiredPageToken",
      message:
        "The specified page token value has expired and can no longer be included in your request. (This $skiptoken continues another query (of /users): a next page must repeat the query that issued the token; send the @odata.nextLink as it is.)",
    });
  });
});

describe("paging while the directory changes", () => {
  it("neither repeats nor skips a user when one is added between pages", async () => {
    const world = await startEntraStandIn();
    try {
      const client = registerClient(world, "reader", ["User.Read.All"]);
      const token = await tokenFor(world, client);
      for (const name of ["a", "b", "c", "d"])
        world.addUser({ displayName: name, userPrincipalName: `${name}@w.example` });
      const first = await graph(world, "GET", "/users?$top=2&$select=displayName", token);
      world.addUser({ displayName: "e", userPrincipalName: "e@w.example" });

      const second = await graph(
        world,
        "GET",
        String(first.body?.["@odata.nextLink"]).slice(world.graphBaseUrl.length),
        token,
      );
      const third = await graph(
        world,
        "GET",
        String(second.body?.["@odata.nextLink"]).slice(world.graphBaseUrl.length),
        token,
      );

      expect([first, second, third].flatMap((p) => valueOf(p).map((u) => u.displayName))).toEqual([
        "a",
        "b",
        "c",
        "d",
        "e",
      ]);
      expect(third.body).not.toHaveProperty("@odata.nextLink");
    } finally {
      await world.stop();
    }
  });
});

describe("scenario users", () => {
  it("seeds the demo scenario's users, which a client with User.Read.All may list", async () => {
    const scenario = await readScenario("dev/scenarios/demo.json");
    const world = await startEntraStandIn({ tenantId: scenario.tenantId });
    try {
      seedTenantObjects(world, scenario, "00000000-0000-4000-8000-000000000001");
      const client = registerClient(world, "demo-like", ["User.Read.All"]);

      const first = await graph(
        world,
        "GET",
        "/users?$top=2&$select=userPrincipalName",
        await tokenFor(world, client),
      );

      expect(valueOf(first)).toEqual([
        { userPrincipalName: "ada.okafor@m2mdemo.onmicrosoft.com" },
        { userPrincipalName: "bruno.lind@m2mdemo.onmicrosoft.com" },
      ]);
      expect(world.directory.listUsers()).toHaveLength(5);
    } finally {
      await world.stop();
    }
  });

  it("rejects a scenario whose user has no name@domain principal name, naming the field", async () => {
    const dir = await mkdtemp(join(tmpdir(), "m2m-users-"));
    try {
      const scenario = JSON.parse(await readFile("dev/scenarios/default.json", "utf8")) as Record<
        string,
        unknown
      >;
      const path = join(dir, "bad-user.json");
      await writeFile(
        path,
        JSON.stringify({ ...scenario, users: [{ displayName: "No Domain", userPrincipalName: "nodomain" }] }),
      );

      await expect(readScenario(path)).rejects.toThrow(
        `${path}: users[0].userPrincipalName must be name@domain, e.g. ada@contoso.onmicrosoft.com`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
