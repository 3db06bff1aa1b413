// What `save` writes is plain data (docs/reliability.md): functions, symbols and `__proto__` keys in the run
// information are refused with INVALID_OPTION instead of being serialised, and what is written loads back.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isInseqError } from "../errors.js";
import { FeatureAttributionOutput } from "../output/featureAttributionOutput.js";
import { load } from "./load.js";
import { save } from "./save.js";

const FILE = new URL("../../../../test-data/inseq_format/tiny-gpt2_saliency.json", import.meta.url);

/** The fixture output with its run information changed by `edit`. */
async function withInfo(edit: (info: Record<string, unknown>) => void): Promise<FeatureAttributionOutput> {
  const out = await load(readFileSync(FILE, "utf8"));
  const info = { ...out.info, attributionArgs: { ...out.info.attributionArgs } } as Record<string, unknown>;
  edit(info);
  return new FeatureAttributionOutput({ sequenceAttributions: [...out.sequenceAttributions], stepAttributions: null, info: info as never });
}

function expectInvalid(f: () => unknown, pattern: RegExp): void {
  try {
    f();
    expect.unreachable("save should have refused");
  } catch (e) {
    expect(isInseqError(e, "INVALID_OPTION"), String(e)).toBe(true);
    expect((e as Error).message).toMatch(pattern);
  }
}

describe("save writes data only", () => {
  it("refuses functions, symbols, bigints and cycles in the run information, naming the path", async () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const [value, pattern] of [[() => 1, /function at \$\.attributes\.info\.attribution_args\.callback/], [Symbol("s"), /symbol/], [10n, /bigint/], [cycle, /circular/]] as const) {
      const out = await withInfo((info) => ((info.attributionArgs as Record<string, unknown>).callback = value));
      expectInvalid(() => save(out), pattern);
    }
  });

  it("refuses an own __proto__ key (which load would refuse), keeps constructor / prototype keys as data", async () => {
    const out = await withInfo((info) => Object.defineProperty(info.attributionArgs, "__proto__", { value: { polluted: true }, enumerable: true }));
    expectInvalid(() => save(out), /__proto__/);
    const data = await withInfo((info) => {
      info.attributionArgs = { constructor: { prototype: { polluted: true } }, prototype: 1 };
    });
    const text = save(data);
    const back = await load(text);
    expect(back.info.attributionArgs).toEqual({ constructor: { prototype: { polluted: true } }, prototype: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(text).not.toMatch(/function|=>/);
  });
});
