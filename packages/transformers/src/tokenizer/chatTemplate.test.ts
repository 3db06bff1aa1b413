import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { localModelFiles } from "../files/localModelFiles.js";
import { memoryModelFiles } from "../files/memoryModelFiles.js";
import { applyChatTemplate } from "./applyChatTemplate.js";
import type { ChatMessage } from "./chatTemplateTypes.js";
import { loadTokenizer } from "./loadTokenizer.js";
import { TransformersTokenizer } from "./TransformersTokenizer.js";

const root = new URL("../../../../", import.meta.url);
const modelDir = (name: string) => fileURLToPath(new URL(`test-data/models-arch/${name}`, root));
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
interface ChatCase { input_text: string; generated_text: string; messages: ChatMessage[]; answer: string; target_ids: number[]; attr_pos_start: number }
const chatCase = (name: string): ChatCase => JSON.parse(read(`test-data/expected-arch/${name}/integrated_gradients.json`)).cases[0];

describe.each([
  ["gemma", "<bos> in the template and added by the tokenizer"],
  ["smollm", "ChatML, no BOS"],
] as const)("chat template of %s (%s)", (name, _features) => {
  let tok: TransformersTokenizer;
  const c = chatCase(name);
  const conversation: ChatMessage[] = [...c.messages, { role: "assistant", content: c.answer }];
  beforeAll(async () => { tok = await loadTokenizer(await localModelFiles(modelDir(name))); });

  it("renders the prompt and the full conversation as Hugging Face does", () => {
    expect(tok.chatTemplateNames).toEqual(["default"]);
    expect(tok.applyChatTemplate(c.messages, { addGenerationPrompt: true })).toBe(c.input_text);
    expect(tok.applyChatTemplate(conversation)).toBe(c.generated_text);
    expect(tok.applyChatTemplate(conversation, { continueFinalMessage: true })).toBe(c.input_text + c.answer);
    expect(tok.applyChatTemplate(c.messages)).not.toContain(c.input_text.slice(-8));
  });

  it("encodes template text with one BOS at most, so that prompt ids prefix the conversation ids", () => {
    const prompt = tok.encode(c.input_text);
    expect(prompt).toEqual(c.target_ids.slice(0, c.attr_pos_start));
    expect(tok.encode(c.generated_text)).toEqual(c.target_ids);
    expect(tok.encode(c.input_text + c.answer)).toEqual(c.target_ids.slice(0, prompt.length + c.answer.split(" ").length));
    const bos = tok.specialTokens.bos;
    expect(prompt.slice(0, 2)).not.toEqual([bos, bos]);
  });

  it("tokenize: true gives the template's ids without adding special tokens again", () => {
    expect(tok.applyChatTemplate(c.messages, { addGenerationPrompt: true, tokenize: true })).toEqual(c.target_ids.slice(0, c.attr_pos_start));
  });
});

describe("chat template handling", () => {
  const gemmaJson = JSON.parse(read("test-data/models-arch/gemma/tokenizer.json"));
  const gemmaConfig = JSON.parse(read("test-data/models-arch/gemma/tokenizer_config.json"));
  const user: ChatMessage[] = [{ role: "user", content: "hello" }];

  it("Hugging Face's encoding of `<bos>` + text has two BOS; ours drops the duplicate only", () => {
    const tok = new TransformersTokenizer(gemmaJson, gemmaConfig);
    const bos = tok.specialTokens.bos!;
    expect(tok.encode("<bos>hello world", { addSpecialTokens: false })[0]).toBe(bos);
    expect(tok.encode("<bos>hello world")).toEqual(tok.encode("hello world"));
    expect(tok.encode("hello world")[0]).toBe(bos);
    expect(tok.encode("<bos><bos>hello").filter((id) => id === bos)).toHaveLength(2);
  });

  it("the template's errors and bad options are typed errors naming the fix", () => {
    const tok = new TransformersTokenizer(gemmaJson, gemmaConfig);
    expect(() => tok.applyChatTemplate([{ role: "system", content: "x" }, ...user])).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining("System role not supported") }));
    expect(() => tok.applyChatTemplate(user, { addGenerationPrompt: true, continueFinalMessage: true })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    expect(() => tok.applyChatTemplate([])).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
    expect(() => tok.applyChatTemplate(user, { chatTemplate: "{% for m in messages %}" })).toThrow(expect.objectContaining({ code: "MALFORMED_FILE" }));
    const plain = new TransformersTokenizer(gemmaJson, { ...gemmaConfig, chat_template: undefined });
    expect(plain.chatTemplateNames).toEqual([]);
    expect(() => plain.applyChatTemplate(user)).toThrow(expect.objectContaining({ code: "INVALID_OPTION", message: expect.stringContaining("no chat template") }));
    expect(plain.applyChatTemplate(user, { chatTemplate: "{{ bos_token }}{{ messages[0].content }}{{ extra }}", templateVariables: { extra: "!" } })).toBe("<bos>hello!");
    expect(() => new TransformersTokenizer(gemmaJson, { chat_template: 3 })).toThrow(expect.objectContaining({ code: "MALFORMED_FILE" }));
  });

  it("named templates: default, tool_use when tools are given, or one picked by name", () => {
    const tok = new TransformersTokenizer(gemmaJson, {
      chat_template: [
        { name: "default", template: "D{{ messages[0].content }}" },
        { name: "tool_use", template: "T{{ tools | length }}{{ messages[0].content }}" },
      ],
    });
    expect(tok.chatTemplateNames).toEqual(["default", "tool_use"]);
    expect(tok.applyChatTemplate(user)).toBe("Dhello");
    expect(tok.applyChatTemplate(user, { tools: [{ name: "f" }] })).toBe("T1hello");
    expect(tok.applyChatTemplate(user, { chatTemplate: "tool_use", tools: [] })).toBe("T0hello");
  });

  it("reads chat_template.jinja when tokenizer_config.json has no template; applyChatTemplate accepts a model or a tokenizer", async () => {
    const files = memoryModelFiles({ "tokenizer.json": JSON.stringify(gemmaJson), "chat_template.jinja": "<{{ messages[0].content }}>" });
    const tok = await loadTokenizer(files);
    expect(applyChatTemplate(tok, user)).toBe("<hello>");
    expect(applyChatTemplate({ tokenizer: tok } as never, user, { tokenize: true })).toEqual(tok.encode("<hello>", { addSpecialTokens: false }));
    expect(() => applyChatTemplate({ tokenizer: { encode: () => [] } } as never, user)).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
  });
});
