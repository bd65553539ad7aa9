/** Where a command writes: what it did (`out`) and what went wrong (`err`). Tests capture both. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The process's stdout and stderr. */
export const consoleIo: CliIo = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};
