import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main, reportFailure } from "./bin.js";

const REPO = new URL("../../../", import.meta.url);
const model = (name: string): string => fileURLToPath(new URL(`models/${name}/`, REPO));

function streams() {
  const out = { stdout: "", stderr: "" };
  const stream = (key: "stdout" | "stderr") => ({ write: (s: string) => ((out[key] += s), true) }) as unknown as NodeJS.WritableStream;
  return { out, io: { stdout: stream("stdout"), stderr: stream("stderr") } };
}

describe("out of memory on the command line", () => {
  it("an attribution over the memory limit prints the code and the message, no stack trace, exit 1", async () => {
    const { out, io } = streams();
    const argv = ["attribute", "-m", model("tiny-gpt2"), "-a", "saliency", "-i", "the capital of france is", "--max-new-tokens", "2", "--backend", "cpu"];
    const code = await main(argv, { ...io, env: { INSEQJS_MEMORY_LIMIT_BYTES: "64KiB" } });
    expect(code).toBe(1);
    expect(out.stderr).toMatch(/^inseqjs: .*cannot fit: .*64\.0 KiB \(option\).*\[OUT_OF_MEMORY\]\n$/s);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it("a raw wasm RuntimeError (Aborted()) is reported as OUT_OF_MEMORY, without a stack trace", () => {
    const { out, io } = streams();
    expect(reportFailure(new WebAssembly.RuntimeError("Aborted(). Build with -sASSERTIONS for more info."), io)).toBe(1);
    expect(out.stderr).toMatch(/^inseqjs: The computation ran out of memory \(Aborted\(\)\. .*reload the model.*\[OUT_OF_MEMORY\]\n$/s);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(reportFailure(new TypeError("a bug"), io)).toBeUndefined();
  });

  it("a malformed INSEQJS_MEMORY_LIMIT_BYTES is a usage error", async () => {
    const { out, io } = streams();
    expect(await main(["list-methods"], { ...io, env: { INSEQJS_MEMORY_LIMIT_BYTES: "a lot" } })).toBe(2);
    expect(out.stderr).toMatch(/INSEQJS_MEMORY_LIMIT_BYTES="a lot" is not a byte count/);
  });
});
