/** The alert ledger's subject for a job: "job:<name>" (the name as its definition spells it). */
export function jobAlertSubject(job: string): string {
  return `job:${job}`;
}
