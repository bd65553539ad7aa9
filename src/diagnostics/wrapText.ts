/**
 * Breaks prose into lines of at most `width` characters (a word longer than that gets a line of its own), each
 * prefixed with `indent`: the explanations of `m2m-diagnose --explain` are read in a terminal, under a value.
 */
export function wrapText(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}
