import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { loadTransformersModel } from "../loadTransformersModel.js";
import { hubModelFiles } from "./hubModelFiles.js";
import { localModelFiles } from "./localModelFiles.js";
import { memoryModelFiles } from "./memoryModelFiles.js";
import { readJsonFile } from "./readJsonFile.js";
import { resolveModelFiles } from "./resolveModelFiles.js";
import { urlModelFiles } from "./urlModelFiles.js";

const gpt2Dir = fileURLToPath(new URL("../../../../models/tiny-gpt2", import.meta.url));
const gpt2Files = Object.fromEntries(readdirSync(gpt2Dir).map((f) => [f, new Uint8Array(readFileSync(join(gpt2Dir, f)))]));
const temps: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "inseqjs-hub-"));
  temps.push(d);
  return d;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

const offline: typeof fetch = async () => {
  throw new TypeError("fetch failed: getaddrinfo ENOTFOUND huggingface.co");
};

/** A fake hub serving `files` for any repo at one commit: the paths-info API and `resolve` downloads. */
function fakeHub(files: Record<string, Uint8Array<ArrayBuffer>>, commit = "c".repeat(40)): { fetch: typeof fetch; requests: string[] } {
  const requests: string[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    requests.push(`${init?.method ?? "GET"} ${url.pathname}`);
    if (url.pathname.includes("/paths-info/")) {
      const path = JSON.parse(String(init?.body)).paths[0] as string;
      const file = files[path];
      const oid = file && createHash("sha1").update(file).digest("hex");
      return Response.json(file ? [{ type: "file", path, oid, size: file.length, lastCommit: { id: commit, title: "init", date: "2024-01-01" } }] : []);
    }
    const m = /\/resolve\/[^/]+\/(.+)$/.exec(url.pathname);
    const file = m ? files[decodeURIComponent(m[1])] : undefined;
    if (!file) return new Response("Entry not found", { status: 404, headers: { "X-Error-Code": "EntryNotFound" } });
    const etag = createHash("sha1").update(file).digest("hex");
    return new Response(file, { status: 200, headers: { "content-range": `bytes 0-${file.length - 1}/${file.length}`, etag: `"${etag}"`, "content-type": "application/octet-stream" } });
  };
  return { fetch: fetchFn, requests };
}

describe("localModelFiles", () => {
  it("reads files of a folder", async () => {
    const files = await localModelFiles(gpt2Dir);
    expect((await readJsonFile(files, "config.json")).model_type).toBe("gpt2");
  });

  it("missing folder → MISSING_FILE naming the folder", async () => {
    await expect(localModelFiles("/no/such/model")).rejects.toMatchObject({ code: "MISSING_FILE", message: expect.stringContaining("/no/such/model") });
  });

  it("missing file → MISSING_FILE naming the file", async () => {
    const files = await localModelFiles(gpt2Dir);
    await expect(files.read("pytorch_model.bin")).rejects.toMatchObject({ code: "MISSING_FILE", message: expect.stringContaining("pytorch_model.bin") });
  });

  it("refuses paths that leave the folder", async () => {
    const files = await localModelFiles(gpt2Dir);
    await expect(files.read("../tiny-marian/config.json")).rejects.toMatchObject({ code: "MALFORMED_FILE" });
  });
});

describe("resolveModelFiles", () => {
  it("picks local folders, hub ids and URLs", async () => {
    expect((await resolveModelFiles(gpt2Dir)).location).toBe(gpt2Dir);
    expect((await resolveModelFiles("openai-community/gpt2", { fetch: offline })).location).toBe("hub:openai-community/gpt2@main");
    expect((await resolveModelFiles("https://example.com/m")).location).toBe("https://example.com/m/");
    await expect(resolveModelFiles("./no/such/folder")).rejects.toMatchObject({ code: "MISSING_FILE" });
  });
});

describe("hubModelFiles", () => {
  it("without network → NETWORK_UNAVAILABLE telling to pass a local folder", async () => {
    const files = hubModelFiles("someone/some-model", { fetch: offline, cacheDir: tempDir() });
    const err = await files.read("config.json").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NETWORK_UNAVAILABLE" });
    expect((err as Error).message).toMatch(/network is unavailable/);
    expect((err as Error).message).toMatch(/local folder/);
  });

  it("downloads into the Hugging Face cache layout, then works offline from the cache", async () => {
    const cacheDir = tempDir();
    const hub = fakeHub(gpt2Files);
    const online = hubModelFiles("tiny/gpt2", { fetch: hub.fetch, cacheDir, hubUrl: "https://hub.test" });
    const config = await online.read("config.json");
    expect(config).toEqual(gpt2Files["config.json"]);
    expect(hub.requests[0]).toBe("POST /api/models/tiny/gpt2/paths-info/main");
    const repoDir = join(cacheDir, "models--tiny--gpt2");
    expect(readFileSync(join(repoDir, "refs", "main"), "utf8")).toBe("c".repeat(40));
    expect(existsSync(join(repoDir, "snapshots", "c".repeat(40), "config.json"))).toBe(true);
    expect(readdirSync(join(repoDir, "blobs")).length).toBe(1);

    const cached = hubModelFiles("tiny/gpt2", { fetch: offline, cacheDir });
    expect(await cached.read("config.json")).toEqual(gpt2Files["config.json"]);
    await expect(cached.read("tokenizer.json")).rejects.toMatchObject({ code: "NETWORK_UNAVAILABLE" });
    // random access (how weights are read) works offline from the cache too, and fails the same way
    const file = (await cached.open!("config.json"))!;
    const bytes = new Uint8Array(file.size);
    expect(file.readSync(bytes, 0)).toBe(gpt2Files["config.json"].length);
    expect(bytes).toEqual(gpt2Files["config.json"]);
    await expect(cached.open!("tokenizer.json")).rejects.toMatchObject({ code: "NETWORK_UNAVAILABLE" });
  });

  it("loadTransformersModel on a hub id gives the local folder's model", async () => {
    await useBackend("cpu");
    const cacheDir = tempDir();
    const hub = fakeHub(gpt2Files);
    const remote = await loadTransformersModel("tiny/gpt2", { fetch: hub.fetch, cacheDir, hubUrl: "https://hub.test" });
    const local = await loadTransformersModel(gpt2Dir);
    const ids = tf.tensor2d([[2, 123, 125]], undefined, "int32");
    const [a, b] = [remote, local].map((m) => m.forward({ target: { ids } }).logits);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(remote.modelName).toBe("tiny/gpt2");
    tf.dispose([ids, a, b]);
    remote.dispose();
    local.dispose();
  });

  it("a file the repository does not have → MISSING_FILE naming it", async () => {
    const hub = fakeHub({ "config.json": gpt2Files["config.json"] });
    const files = hubModelFiles("tiny/partial", { fetch: hub.fetch, cacheDir: tempDir(), hubUrl: "https://hub.test" });
    await expect(files.read("tokenizer.json")).rejects.toMatchObject({ code: "MISSING_FILE", message: expect.stringContaining("tokenizer.json") });
  });

  it("rejects an access token that is not an hf_ token", () => {
    expect(() => hubModelFiles("a/b", { accessToken: "secret" })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
  });
});

describe("urlModelFiles and memoryModelFiles", () => {
  it("url: 404 → MISSING_FILE, no response → NETWORK_UNAVAILABLE", async () => {
    const served = urlModelFiles("https://models.test/tiny-gpt2", {
      fetch: async (input) => {
        const name = String(input).split("/").pop()!;
        return gpt2Files[name] ? new Response(gpt2Files[name]) : new Response("", { status: 404 });
      },
    });
    expect(await served.read("config.json")).toEqual(gpt2Files["config.json"]);
    await expect(served.read("nope.json")).rejects.toMatchObject({ code: "MISSING_FILE" });
    await expect(urlModelFiles("https://models.test/x", { fetch: offline }).read("config.json")).rejects.toMatchObject({ code: "NETWORK_UNAVAILABLE" });
  });

  it("memory: strings and bytes; malformed JSON → MALFORMED_FILE", async () => {
    const files = memoryModelFiles({ "config.json": "{not json", "a.bin": new Uint8Array([1, 2]) });
    expect(await files.read("a.bin")).toEqual(new Uint8Array([1, 2]));
    await expect(readJsonFile(files, "config.json")).rejects.toMatchObject({ code: "MALFORMED_FILE", message: expect.stringContaining("config.json") });
    await expect(files.read("b.bin")).rejects.toMatchObject({ code: "MISSING_FILE" });
  });
});
