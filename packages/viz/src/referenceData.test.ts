import { readFileSync } from "node:fs";
import type { NdArray, SequenceAttributionData } from "@inseqjs/core";
import { ndarray } from "@inseqjs/core";
import { describe, expect, it } from "vitest";
import { renderHtml } from "./renderHtml.js";
import { renderSvg } from "./renderSvg.js";
import { renderTerminalHeatmap } from "./renderTerminalHeatmap.js";
import { checkWellFormed } from "./testing/checkWellFormed.js";
import { tokens } from "./testing/sequences.js";

/** The aggregated sequence of case 0 of a reference file (Captum numbers, inseq's default aggregation). */
function referenceSequence(model: string): SequenceAttributionData {
  const url = new URL(`../../../test-data/expected/${model}/integrated_gradients.json`, import.meta.url);
  const file = JSON.parse(readFileSync(url, "utf8")) as {
    cases: {
      source_tokens: string[] | null;
      target_tokens: string[];
      attr_pos_start: number;
      attr_pos_end: number;
      sequence: {
        source_attributions_aggregated: (number | null)[][] | null;
        target_attributions_aggregated: (number | null)[][] | null;
        step_scores: Record<string, number[]>;
        deltas: number[][];
      };
    }[];
  };
  const c = file.cases[0];
  const matrix = (m: (number | null)[][] | null): NdArray | null => (m ? ndarray(m.flat().map((v) => v ?? Number.NaN), [m.length, m[0].length]) : null);
  return {
    source: c.source_tokens ? tokens(...c.source_tokens) : null,
    target: tokens(...c.target_tokens),
    sourceAttributions: matrix(c.sequence.source_attributions_aggregated),
    targetAttributions: matrix(c.sequence.target_attributions_aggregated),
    stepScores: {
      probability: ndarray(c.sequence.step_scores.probability, [c.sequence.step_scores.probability.length]),
      deltas: ndarray(c.sequence.deltas.flat(), [c.sequence.deltas.length, c.sequence.deltas[0].length]),
    },
    sequenceScores: {},
    attrPosStart: c.attr_pos_start,
    attrPosEnd: c.attr_pos_end,
  };
}

describe("reference attributions (tiny-gpt2 / tiny-marian, integrated gradients)", () => {
  it("renders the decoder-only matrix with inseq's triangle of blank cells", () => {
    const text = renderTerminalHeatmap(referenceSequence("tiny-gpt2"), { color: false, width: 100 });
    const lines = text.split("\n");
    expect(lines[0].split("│")[1].trim().split(/\s+/)).toEqual(["jumps", "over", "the", "lazy", "dog"]);
    const row = (label: string, nth = 0) => lines.filter((l) => l.split("│")[0].trim() === label)[nth]?.split("│")[1].trim().split(/\s+/);
    expect(row("the")).toEqual(["0.305", "0.137", "0.091", "0.099", "0.167"]);
    expect(row("jumps")).toEqual(["0.415", "0.248", "0.121", "0.059"]);
    expect(row("lazy")).toEqual(["0.267"]);
    expect(lines.find((l) => l.startsWith("dog"))?.trimEnd()).toBe("dog         │");
    expect(row("probability")).toEqual(["0.012", "7.3e-7", "6.9e-5", "4.2e-5", "8.5e-9"]);
    expect(row("deltas")).toEqual(["-9.3e-9", "1.0e-7", "1.3e-10", "-9.5e-11", "-1.1e-12"]);
  });

  it("renders the encoder-decoder source matrix in all three formats", () => {
    const seq = referenceSequence("tiny-marian");
    const text = renderTerminalHeatmap(seq, { color: false, width: 60 });
    const blocks = text.split("\n\n");
    expect(blocks.length).toBeGreaterThan(1);
    expect(blocks.flatMap((b) => b.split("\n")[0].split("│")[1].trim().split(/\s+/))).toEqual(["le", "chat", "est", "assis", "sur", "le", "tapis", "</s>"]);
    const svg = renderSvg(seq, { title: "tiny-marian" });
    expect(checkWellFormed(svg).filter((n) => n === "rect")).toHaveLength(7 * 8 + 2 * 8 + 1);
    const html = renderHtml([seq]);
    expect(html.match(/<td style=/g)).toHaveLength(7 * 8 + 2 * 8);
    expect(html).toContain('title="source ‘cat’ → ‘le’: 0.182"');
  });
});
