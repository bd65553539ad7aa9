import { readFile } from "node:fs/promises";

/** The parts of a V8 .cpuprofile (Profiler.stop's `profile`) read here. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
}

/** Where a sample's time is charged: a telemetry package, or one of the buckets that are not telemetry. */
export type ProfileBreakdown = Record<string, number>;

// The code that exists only for telemetry: the OpenTelemetry API and SDK, the Azure SDK's tracing and its OpenTelemetry
// instrumentation, and the app's own src/telemetry. @azure/core-tracing runs with telemetry off too (a no-op).
const TELEMETRY =
  /node_modules\/(@opentelemetry\/[^/]+|@azure\/core-tracing|@azure\/opentelemetry-instrumentation-azure-sdk)\/|\/(src\/telemetry)\//;
const V8_BUCKETS = new Set(["(garbage collector)", "(program)", "(idle)"]);

/**
 * CPU milliseconds per run by where they were spent: each sample is charged to the innermost telemetry frame it runs
 * under, through Node's own frames only (a span's ids, the context manager's AsyncLocalStorage, an exporter's
 * serialisation and HTTP request), so work a telemetry wrapper merely calls back (an Azure SDK request under
 * `withSpan`) stays "not telemetry". What telemetry causes elsewhere — a longer request with its traceparent header,
 * the export responses read by Node, more garbage — lands in "not telemetry" and "(garbage collector)": compare
 * them across the two arms.
 */
export async function profileBreakdown(path: string, runs: number): Promise<ProfileBreakdown> {
  const profile = JSON.parse(await readFile(path, "utf8")) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const charged = new Map<number, string>();
  const chargeOf = (id: number): string => {
    const known = charged.get(id);
    if (known !== undefined) return known;
    const frame = nodes.get(id)!.callFrame;
    let bucket = "not telemetry";
    if (V8_BUCKETS.has(frame.functionName)) bucket = frame.functionName;
    else {
      for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
        const { url } = nodes.get(at)!.callFrame;
        const match = TELEMETRY.exec(url);
        if (match) {
          bucket = match[1] ?? match[2]!;
          break;
        }
        if (url !== "" && !url.startsWith("node:")) break;
      }
    }
    charged.set(id, bucket);
    return bucket;
  };
  const breakdown: ProfileBreakdown = {};
  profile.samples.forEach((id, i) => {
    const bucket = chargeOf(id);
    breakdown[bucket] = (breakdown[bucket] ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000 / runs;
  });
  return breakdown;
}

/** The two arms' breakdowns side by side, largest `on` figures first, idle left out. */
export function formatBreakdowns(off: ProfileBreakdown, on: ProfileBreakdown): string[] {
  const busy = (b: ProfileBreakdown) =>
    Object.entries(b).reduce((sum, [name, ms]) => (name === "(idle)" ? sum : sum + ms), 0);
  const names = [...new Set([...Object.keys(off), ...Object.keys(on)])]
    .filter((name) => name !== "(idle)")
    .sort((a, b) => (on[b] ?? 0) - (on[a] ?? 0));
  const width = Math.max(...names.map((name) => name.length));
  return [
    `${"CPU ms per run".padEnd(width)}     off      on`,
    ...names.map(
      (name) =>
        `${name.padEnd(width)}  ${(off[name] ?? 0).toFixed(3).padStart(6)}  ${(on[name] ?? 0).toFixed(3).padStart(6)}`,
    ),
    `${"busy in all".padEnd(width)}  ${busy(off).toFixed(3).padStart(6)}  ${busy(on).toFixed(3).padStart(6)}`,
  ];
}
