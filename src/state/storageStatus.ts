/** The HTTP status of a Table Storage SDK error, or undefined when no response arrived (or it is no SDK error). */
export function storageStatus(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === "number" ? status : undefined;
}
