import { describe, expect, it } from "vitest";
import { compareRoutes, compileRoute } from "../../dev/host/compileRoute.js";
import type { LocalFunction } from "../../dev/host/describeFunction.js";
import { HttpRouter } from "../../dev/host/HttpRouter.js";

const httpFunction = (name: string, route: string, methods: string[] = []): LocalFunction => ({
  name,
  triggerType: "httpTrigger",
  triggerName: "httpTrigger1",
  bindings: {},
  route,
  methods,
  authLevel: "anonymous",
});

describe("compileRoute", () => {
  it.each([
    ["hello/{name}", "hello/ada", { name: "ada" }],
    ["hello/{name}", "HELLO/Ada", { name: "Ada" }],
    ["hello/{name}", "hello/Ada%20L%2Fx", { name: "Ada L/x" }],
    ["jobs/{job}/runs/{id:int}", "jobs/sync/runs/42", { job: "sync", id: "42" }],
    ["items/{id?}", "items", {}],
    ["items/{id?}", "items/7", { id: "7" }],
    ["items/{page=1}", "items", { page: "1" }],
    ["files/{*path}", "files/a/b/c.txt", { path: "a/b/c.txt" }],
    ["files/{*path}", "files", {}],
    ["files/{name}.{ext}", "files/report.final.csv", { name: "report", ext: "final.csv" }],
    ["codes/{code:regex(^[a-z]{{3}}$)}", "codes/abc", { code: "abc" }],
    ["", "", {}],
  ])("%s matches %s with %o", (template, path, params) => {
    expect(compileRoute(template).match(path)).toEqual(params);
  });

  it.each([
    ["hello/{name}", "hello"],
    ["hello/{name}", "hello/a/b"],
    ["jobs/{id:int}", "jobs/abc"],
    ["jobs/{id:int}", "jobs/99999999999"],
    ["jobs/{id:min(1)}", "jobs/0"],
    ["jobs/{id:range(1,5)}", "jobs/6"],
    ["jobs/{flag:bool}", "jobs/yes"],
    ["jobs/{name:alpha:maxlength(3)}", "jobs/abcd"],
    ["codes/{code:regex(^[a-z]{{3}}$)}", "codes/abcd"],
  ])("%s does not match %s", (template, path) => {
    expect(compileRoute(template).match(path)).toBeUndefined();
  });

  it("formats a path from parameters, encoding them and leaving out optional ones", () => {
    expect(compileRoute("hello/{name}").format({ name: "Ada L" })).toBe("hello/Ada%20L");
    expect(compileRoute("items/{id?}").format()).toBe("items");
    expect(compileRoute("files/{*path}").format({ path: "a b/c" })).toBe("files/a%20b/c");
    expect(() => compileRoute("hello/{name}").format()).toThrow(
      'Route "hello/{name}" needs the parameter "name".',
    );
  });

  it.each([
    ["hello/{name", 'Route "hello/{name": unclosed "{" in "{name".'],
    ["a/{x}/{x}", 'Route "a/{x}/{x}": parameter "x" appears twice.'],
    ["a/{*rest}/b", 'Route "a/{*rest}/b": the catch-all "{*rest}" must be the whole last segment.'],
    ["a/{id:shiny}", 'Route "a/{id:shiny}": unknown constraint "shiny".'],
  ])("rejects %s", (template, message) => {
    expect(() => compileRoute(template)).toThrow(message);
  });

  it("orders literal before constrained parameter before parameter before catch-all", () => {
    const routes = ["a/{*rest}", "a/{x}", "a/{x:int}", "a/b"].map(compileRoute).sort(compareRoutes);
    expect(routes.map((r) => r.template)).toEqual(["a/b", "a/{x:int}", "a/{x}", "a/{*rest}"]);
  });
});

describe("HttpRouter", () => {
  const router = new HttpRouter([
    httpFunction("byId", "jobs/{id}", ["GET"]),
    httpFunction("list", "jobs/list", ["GET"]),
    httpFunction("run", "jobs/{id}", ["POST"]),
  ]);

  it("prefers the literal route over the parameter", () => {
    expect(router.find("GET", "jobs/list")?.route.fn.name).toBe("list");
    expect(router.find("GET", "/jobs/7/")?.route.fn.name).toBe("byId");
  });

  it("picks the function by method, and finds nothing for a method no route takes", () => {
    expect(router.find("post", "jobs/7")?.route.fn.name).toBe("run");
    expect(router.find("DELETE", "jobs/7")).toBeUndefined();
  });

  it("refuses two functions on the same route and method, and invalid templates, naming them all", () => {
    expect(
      () =>
        new HttpRouter([
          httpFunction("a", "x/{id}", ["GET"]),
          httpFunction("b", "X/{id}"),
          httpFunction("c", "y/{"),
        ]),
    ).toThrow(
      'Invalid HTTP routes:\n- c: Route "y/{": unclosed "{" in "{".\n- a and b both claim the route "x/{id}" for the same method.',
    );
  });
});
