/** An sRGB colour, channels 0–255. */
export type Rgb = readonly [number, number, number];

/** Colour of the strongest positive value (inseq's red, from SHAP's palette). */
export const POSITIVE_RGB: Rgb = [255, 13, 87];
/** Colour of the strongest negative value (inseq's blue, from SHAP's palette). */
export const NEGATIVE_RGB: Rgb = [30, 136, 229];
/** Colour of zero. */
export const ZERO_RGB: Rgb = [255, 255, 255];

/**
 * Diverging colour of `value` on the symmetric scale `[-maxAbs, maxAbs]`: white at 0, red for positive, blue for
 * negative, intensity `|value| / maxAbs` (clipped to 1), so `v` and `-v` get the same intensity. NaN → null.
 */
export function divergingColor(value: number, maxAbs: number): Rgb | null {
  if (Number.isNaN(value)) return null;
  const t = maxAbs > 0 ? Math.min(1, Math.abs(value) / maxAbs) : 0;
  const end = value >= 0 ? POSITIVE_RGB : NEGATIVE_RGB;
  const mix = (i: number): number => Math.round(ZERO_RGB[i] + (end[i] - ZERO_RGB[i]) * t);
  return [mix(0), mix(1), mix(2)];
}

/** Black or white, whichever reads better on `background` (WCAG relative luminance). */
export function textColorFor(background: Rgb): Rgb {
  const lin = background.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
  return luminance > 0.179 ? [0, 0, 0] : [255, 255, 255];
}

/** Largest absolute finite value among `values` (0 when there is none): the half-width of a symmetric scale. */
export function symmetricScale(values: Iterable<number>): number {
  let max = 0;
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > max) max = Math.abs(v);
  return max;
}
