import { describe, expect, it } from "vitest";
import { M2M_USAGE } from "../../src/cli/m2mCommand.js";
import { fakeConnector, runM2m } from "./runM2m.js";

describe("m2m", () => {
  it("without a command prints the usage on stderr and exits 2", async () => {
    expect(await runM2m([], fakeConnector({}))).toEqual({ code: 2, out: "", err: M2M_USAGE });
  });

  it("with --help prints the usage and exits 0", async () => {
    expect(await runM2m(["--help"], fakeConnector({}))).toEqual({ code: 0, out: M2M_USAGE, err: "" });
  });

  it("names an unknown command and exits 2", async () => {
    const result = await runM2m(["app", "delete"], fakeConnector({}));
    expect(result.code).toBe(2);
    expect(result.err.split("\n")[0]).toBe("Unknown command: m2m app delete");
  });

  it.each([
    [["cert", "create"], "  m2m cert create --out PATH"],
    [["app", "register-cert"], "  m2m app register-cert [--app APP] --cert FILE"],
    [["app", "grant"], "  m2m app grant [--app APP] [--api API] --roles R1,R2"],
    [["setup"], "  m2m setup [--roles R1,R2]"],
  ])("prints the usage of %j with --help, touching nothing", async (command, line) => {
    const result = await runM2m([...command, "--help"], fakeConnector({}));
    expect(result.code).toBe(0);
    const [first, second] = result.out.split("\n");
    expect([first, second?.startsWith(line)]).toEqual(["Usage:", true]);
    expect(result.out).toContain(
      "--dry-run         read what is there and print every Graph and Key Vault write",
    );
  });
});
