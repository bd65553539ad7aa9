/**
 * How long a request someone is waiting on — the status page, the token diagnosis, the job lists — may wait for other
 * systems. Past it, what has not answered says so (TIMED_OUT naming the system) and the rest is returned. Well inside
 * the 230 s an HTTP-triggered function has to answer whatever its functionTimeout
 * (https://learn.microsoft.com/azure/azure-functions/functions-scale#timeout), and about as long as a person waits.
 */
export const INTERACTIVE_BUDGET_MS = 30_000;
