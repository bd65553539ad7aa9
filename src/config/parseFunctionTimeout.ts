/** host.json's `functionTimeout`: how long the host lets one invocation run. */
export type FunctionTimeout = { kind: "limited"; ms: number } | { kind: "unlimited" } | { kind: "invalid" };

// A .NET TimeSpan as host.json writes it: [d.]hh:mm:ss[.fffffff] — hours 0–23, minutes and seconds 0–59.
const TIME_SPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/;

/**
 * Pure: reads host.json's `functionTimeout` ("00:10:00", "1.00:00:00"; "-1" = no limit, which Premium, Dedicated and
 * Flex Consumption plans allow). See https://learn.microsoft.com/azure/azure-functions/functions-host-json#functiontimeout.
 * Anything else (a number, "10m", 25 hours written as "25:00:00") is invalid: the host would refuse it too.
 */
export function parseFunctionTimeout(value: unknown): FunctionTimeout {
  if (value === "-1") return { kind: "unlimited" };
  const match = typeof value === "string" ? TIME_SPAN.exec(value.trim()) : null;
  if (!match) return { kind: "invalid" };
  const [days, hours, minutes, seconds] = [match[1], match[2], match[3], match[4]].map((part) =>
    Number(part ?? 0),
  );
  if (hours! > 23 || minutes! > 59 || seconds! > 59) return { kind: "invalid" };
  const fraction = match[5] ? Number(`0.${match[5]}`) : 0;
  return {
    kind: "limited",
    ms: Math.round((((days! * 24 + hours!) * 60 + minutes!) * 60 + seconds! + fraction) * 1000),
  };
}
