/** The package.json that ships: what the Functions host and Node read, nothing for npm to install. */
export interface DeployManifest {
  readonly name: string;
  readonly version: string;
  /** The Functions host loads this file (the v4 programming model's entry): the bundle, relative to the app root. */
  readonly main: string;
  /** "module": the bundle is an ES module in a .js file. */
  readonly type: "module";
  readonly engines: { readonly node: string };
}

/**
 * The project's package.json (parsed) trimmed to what the deployed app needs: name, version, main, type and
 * engines. No dependencies — the bundle carries its own, and `@azure/functions-core` comes from the Functions worker
 * — so no scripts, devDependencies or dependencies either, and nothing for a remote build to install. Throws naming
 * every field that is missing or not of the expected form.
 */
export function deployManifest(packageJson: unknown): DeployManifest {
  const field = (name: string): unknown =>
    typeof packageJson === "object" && packageJson !== null ? Reflect.get(packageJson, name) : undefined;
  const problems: string[] = [];
  const text = (name: string, expected: string): string => {
    const value = field(name);
    if (typeof value === "string" && value.trim() !== "") return value;
    problems.push(`"${name}" must be ${expected}; it is ${JSON.stringify(value) ?? "missing"}`);
    return "";
  };

  const name = text("name", "the app's name");
  const version = text("version", "its version");
  const main = text("main", 'the bundled entry, e.g. "dist/index.js"');
  if (main !== "" && !isInsideApp(main)) {
    problems.push(
      `"main" must be a path inside the app, e.g. "dist/index.js"; it is ${JSON.stringify(main)}`,
    );
  }
  if (field("type") !== "module") {
    problems.push(
      `"type" must be "module" (the bundle is an ES module); it is ${JSON.stringify(field("type")) ?? "missing"}`,
    );
  }
  const engines = field("engines");
  const node: unknown =
    typeof engines === "object" && engines !== null ? Reflect.get(engines, "node") : undefined;
  const nodeRange = typeof node === "string" ? node.trim() : "";
  if (nodeRange === "") {
    problems.push(
      `"engines.node" must be the Node.js range the app runs on, e.g. ">=22 <23"; it is ${JSON.stringify(node) ?? "missing"}`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`package.json cannot be packaged:\n- ${problems.join("\n- ")}`);
  }
  return { name, version, main: main.replace(/^\.\//, ""), type: "module", engines: { node: nodeRange } };
}

function isInsideApp(path: string): boolean {
  const segments = path.replace(/^\.\//, "").split("/");
  return !path.startsWith("/") && !path.includes("\\") && !segments.some((s) => s === "" || s === "..");
}
