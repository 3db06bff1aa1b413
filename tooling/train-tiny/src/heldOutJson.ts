/** `{ ...header, examples: [...] }` as JSON with one example per line (readable, diff-friendly, compact). */
export function heldOutJson(header: Readonly<Record<string, unknown>>, examples: readonly unknown[]): string {
  const head = Object.entries(header).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  return `{\n${head.join("\n")}\n  "examples": [\n${examples.map((e) => `    ${JSON.stringify(e)}`).join(",\n")}\n  ]\n}\n`;
}
