import type { Diagnosis } from "./diagnoseTokenPath.js";

/** Renders a diagnosis for a terminal. */
export function formatDiagnosis(diagnosis: Diagnosis): string {
  const lines: string[] = [];
  for (const step of diagnosis.steps) {
    const status = step.ok ? "ok  " : step.optional ? "warn" : "FAIL";
    lines.push(`${status} ${step.name.padEnd(13)} ${String(step.durationMs).padStart(6)} ms`);
    for (const [key, value] of Object.entries(step.detail)) lines.push(`       ${key}: ${format(value)}`);
  }
  if (diagnosis.claims) {
    lines.push("", "Access token claims (decoded, not validated):");
    for (const [key, value] of Object.entries(diagnosis.claims)) {
      const note =
        (key === "exp" || key === "iat") && typeof value === "number"
          ? ` (${new Date(value * 1000).toISOString()})`
          : "";
      lines.push(`  ${key.padEnd(6)} ${format(value)}${note}`);
    }
    if (!("roles" in diagnosis.claims)) {
      lines.push(
        "  roles  (none) — assign the API's app roles to this app's service principal and grant admin consent",
      );
    }
  }
  if (diagnosis.accessToken) lines.push("", "Access token:", diagnosis.accessToken);
  if (diagnosis.error) lines.push("", `Error ${diagnosis.error.code}: ${diagnosis.error.message}`);
  return lines.join("\n");
}

function format(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
