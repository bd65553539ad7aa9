/** Node prints a distinguished name one attribute per line ("C=NL\nCN=app"); messages and logs want one line. */
export function oneLineName(name: string): string {
  return name.split("\n").join(", ");
}
