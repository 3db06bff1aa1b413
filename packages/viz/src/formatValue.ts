/**
 * A cell value as text with `decimals` digits; values too small to show that way (but not 0) in short exponent form
 * (`7.3e-7`), so a tiny probability does not read as zero. NaN → `""` (blank cell), ±Infinity → `inf` / `-inf`.
 */
export function formatValue(value: number, decimals: number): string {
  if (Number.isNaN(value)) return "";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value !== 0 && Math.abs(value) < 0.5 * 10 ** -decimals) return value.toExponential(1);
  return value.toFixed(decimals);
}
