import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

describe("npm run local", () => {
  it("refuses an unknown --mode before starting anything, naming the modes it knows", async () => {
    const failure = await run("node_modules/.bin/tsx", ["dev/local.ts", "--mode", "certificate-file"]).catch(
      (error: unknown) => error as { code: number; stdout: string; stderr: string },
    );
    expect(failure).toMatchObject({
      code: 2,
      stdout: "",
      stderr:
        '--mode must be one of keyvault-certificate, client-secret, managed-identity-federation; got "certificate-file". Nothing was started.\n',
    });
  });
});
