import { describe, expect, it } from "vitest";
import { isInseqError } from "inseqjs";
import { parseCsv } from "./parseCsv.js";
import { readDataset } from "./readDataset.js";

function expectMalformed(run: () => unknown, pattern: RegExp): void {
  try {
    run();
    expect.unreachable();
  } catch (e) {
    expect(isInseqError(e, "MALFORMED_FILE"), String(e)).toBe(true);
    expect((e as Error).message).toMatch(pattern);
  }
}

describe("parseCsv (RFC 4180)", () => {
  it("reads quoted fields with commas, line breaks and doubled quotes; CRLF or LF; blank lines skipped", () => {
    const text = '\ufeffid,input\r\n1,"a, b"\r\n\r\n2,"say ""hi""\nthere"\n3,plain\n,\n""';
    expect(parseCsv(text)).toEqual([
      { fields: ["id", "input"], line: 1 },
      { fields: ["1", "a, b"], line: 2 },
      { fields: ["2", 'say "hi"\nthere'], line: 4 },
      { fields: ["3", "plain"], line: 6 },
      { fields: ["", ""], line: 7 },
      { fields: [""], line: 8 },
    ]);
    expect(parseCsv("a,b")).toEqual([{ fields: ["a", "b"], line: 1 }]);
    expect(parseCsv("")).toEqual([]);
  });

  it("names the line of a malformed record", () => {
    expectMalformed(() => parseCsv('input\nok\n"never closed\nmore', "d.csv"), /^d\.csv line 3: a quoted field is not closed/);
    expectMalformed(() => parseCsv('input\nab"c\n', "d.csv"), /^d\.csv line 2: a quote inside an unquoted field/);
    expectMalformed(() => parseCsv('input\n"a"b\n', "d.csv"), /^d\.csv line 2: unexpected "b" after a closing quote/);
  });
});

describe("readDataset", () => {
  it("JSONL: input / input_text, generated / generated_text, id; blank lines skipped", () => {
    const text = '{"input": "a", "id": "x"}\n\n{"input_text": "b", "generated_text": "b c"}\r\n{"input": "c", "generated": "c d", "extra": 1}\n';
    expect(readDataset(text, "jsonl", "d.jsonl")).toEqual([
      { index: 0, line: 1, input: "a", id: "x" },
      { index: 1, line: 3, input: "b", generated: "b c" },
      { index: 2, line: 4, input: "c", generated: "c d" },
    ]);
  });

  it("CSV: header columns, quoted multi-line inputs keep their first line number", () => {
    const text = 'id,input_text,generated_text\n7,"one,\ntwo",\n8,three,three four\n';
    expect(readDataset(text, "csv", "d.csv")).toEqual([
      { index: 0, line: 2, input: "one,\ntwo", id: "7" },
      { index: 1, line: 4, input: "three", generated: "three four", id: "8" },
    ]);
  });

  it("malformed lines give a clear error naming the file and line", () => {
    expectMalformed(() => readDataset('{"input": "a"}\n{"input": "b",}\n', "jsonl", "d.jsonl"), /^d\.jsonl line 2: not valid JSON/);
    expectMalformed(() => readDataset('{"input": "a"}\n\n["b"]\n', "jsonl", "d.jsonl"), /^d\.jsonl line 3: expected a JSON object/);
    expectMalformed(() => readDataset('{"text": "a"}\n', "jsonl", "d.jsonl"), /^d\.jsonl line 1: no "input" or "input_text" field \(the example has: text\)/);
    expectMalformed(() => readDataset('{"input": 3}\n', "jsonl", "d.jsonl"), /line 1: the input must be a string/);
    expectMalformed(() => readDataset('{"input": "a", "generated": ["x"]}\n', "jsonl", "d.jsonl"), /line 1: the generated text must be a string/);
    expectMalformed(() => readDataset("input,generated\na,b\nc,d,e\n", "csv", "d.csv"), /^d\.csv line 3: 3 fields, but the header has 2/);
    expectMalformed(() => readDataset("text\na\n", "csv", "d.csv"), /^d\.csv line 1: the header needs an "input" or "input_text" column/);
  });
});
