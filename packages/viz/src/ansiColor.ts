import type { Rgb } from "./divergingColor.js";
import { textColorFor } from "./divergingColor.js";

/** How a terminal is coloured: 24-bit escapes or the xterm 256-colour palette. */
export type AnsiColorMode = "truecolor" | "256";

const CUBE_LEVELS = [0, 95, 135, 175, 215, 255];

/** Nearest xterm-256 palette index of `rgb` (6×6×6 cube or the 24-step grey ramp). */
export function rgbToAnsi256(rgb: Rgb): number {
  const nearestLevel = (c: number): number => {
    let best = 0;
    for (let i = 1; i < CUBE_LEVELS.length; i++) if (Math.abs(CUBE_LEVELS[i] - c) < Math.abs(CUBE_LEVELS[best] - c)) best = i;
    return best;
  };
  const [r, g, b] = rgb.map(nearestLevel);
  const cube: Rgb = [CUBE_LEVELS[r], CUBE_LEVELS[g], CUBE_LEVELS[b]];
  const greyStep = Math.max(0, Math.min(23, Math.round(((rgb[0] + rgb[1] + rgb[2]) / 3 - 8) / 10)));
  const grey = 8 + 10 * greyStep;
  const dist = (c: Rgb): number => (c[0] - rgb[0]) ** 2 + (c[1] - rgb[1]) ** 2 + (c[2] - rgb[2]) ** 2;
  return dist([grey, grey, grey]) < dist(cube) ? 232 + greyStep : 16 + 36 * r + 6 * g + b;
}

/** `text` on an ANSI `background`, in black or white whichever reads better, followed by a reset. */
export function ansiOnBackground(text: string, background: Rgb, mode: AnsiColorMode): string {
  const fg = textColorFor(background);
  const code = (layer: 38 | 48, c: Rgb): string => (mode === "truecolor" ? `${layer};2;${c[0]};${c[1]};${c[2]}` : `${layer};5;${rgbToAnsi256(c)}`);
  return `\x1b[${code(48, background)};${code(38, fg)}m${text}\x1b[0m`;
}
