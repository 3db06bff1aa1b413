import { ProtobufReader, WIRE_VARINT } from "./onnxProtobufReader.js";
import type { ProtoField } from "./onnxProtobufReader.js";

/** ONNX `TensorProto.DataType` values that matter here. */
export const ONNX_FLOAT = 1;
export const ONNX_UINT8 = 2;
export const ONNX_INT8 = 3;
export const ONNX_FLOAT16 = 10;
export const ONNX_DOUBLE = 11;
export const ONNX_BFLOAT16 = 16;
export const ONNX_UINT4 = 21;
export const ONNX_INT4 = 22;

/** Where an external tensor's bytes are (`data_location: EXTERNAL`), relative to the ONNX file's folder. */
export interface OnnxExternalData {
  readonly location: string;
  readonly offset: number;
  /** Byte length, when the file states it. */
  readonly length?: number;
}

/** One tensor of an ONNX graph (an initializer, or the value of a `Constant` node), its data not decoded yet. */
export interface OnnxTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  /** `raw_data`: little-endian bytes (a view into the file). */
  readonly raw?: Uint8Array;
  /** `float_data`. */
  readonly floatData?: Float32Array;
  /** `int32_data` (where float16 / bfloat16 values are kept when not raw). */
  readonly int32Data?: readonly number[];
  readonly external?: OnnxExternalData;
}

/** One graph node: what the name-mapping needs. */
export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Integer attributes (`transB` of Gemm, ...). */
  readonly intAttributes: Readonly<Record<string, number>>;
}

/** The initializers and nodes of an ONNX model, subgraphs (`If` branches of merged decoders) flattened in. */
export interface OnnxGraph {
  readonly initializers: readonly OnnxTensor[];
  readonly nodes: readonly OnnxNode[];
}

const MAX_DEPTH = 16;
const MAX_DIM = 2 ** 40;

function parseTensor(r: ProtobufReader, nameFallback = ""): OnnxTensor {
  let name = nameFallback;
  const dims: number[] = [];
  let dataType = 0;
  let raw: Uint8Array | undefined;
  let floatParts: Float32Array[] | undefined;
  let int32Data: number[] | undefined;
  let location = 0;
  const external: Record<string, string> = {};
  while (!r.done) {
    const f = r.next();
    switch (f.field) {
      case 1:
        dims.push(...r.varints(f));
        break;
      case 2:
        dataType = f.varint ?? r.fail("a data_type that is not an integer", f.start);
        break;
      case 4:
        (floatParts ??= []).push(r.floats(f));
        break;
      case 5:
        (int32Data ??= []).push(...r.varints(f));
        break;
      case 8:
        name = r.string(f);
        break;
      case 9:
        raw = r.bytes.subarray(f.start, f.end);
        if (f.wireType !== 2) r.fail("raw_data that is not bytes", f.start);
        break;
      case 13: {
        const entry = r.sub(f);
        let key = "";
        let value = "";
        while (!entry.done) {
          const e = entry.next();
          if (e.field === 1) key = entry.string(e);
          else if (e.field === 2) value = entry.string(e);
        }
        external[key] = value;
        break;
      }
      case 14:
        location = f.varint ?? 0;
        break;
      default:
        break;
    }
  }
  for (const d of dims) if (d > MAX_DIM) r.fail(`tensor "${name}" has an invalid dimension ${d}`, r.start);
  let floatData: Float32Array | undefined;
  if (floatParts) {
    floatData = floatParts.length === 1 ? floatParts[0] : new Float32Array(floatParts.reduce((n, p) => n + p.length, 0));
    if (floatParts.length > 1) floatParts.reduce((at, p) => (floatData!.set(p, at), at + p.length), 0);
  }
  let ext: OnnxExternalData | undefined;
  if (location === 1) {
    const offset = external.offset === undefined ? 0 : Number(external.offset);
    const length = external.length === undefined ? undefined : Number(external.length);
    if (!external.location) r.fail(`external tensor "${name}" without a location`, r.start);
    if (!Number.isSafeInteger(offset) || offset < 0 || (length !== undefined && (!Number.isSafeInteger(length) || length < 0))) {
      r.fail(`external tensor "${name}" with offset "${external.offset}" / length "${external.length}"`, r.start);
    }
    ext = { location: external.location, offset, length };
  }
  return { name, dims, dataType, raw, floatData, int32Data, external: ext };
}

function parseNode(r: ProtobufReader, graph: { initializers: OnnxTensor[]; nodes: OnnxNode[] }, depth: number): void {
  let name = "";
  let opType = "";
  const inputs: string[] = [];
  const outputs: string[] = [];
  const intAttributes: Record<string, number> = {};
  const constants: OnnxTensor[] = [];
  while (!r.done) {
    const f = r.next();
    if (f.field === 1) inputs.push(r.string(f));
    else if (f.field === 2) outputs.push(r.string(f));
    else if (f.field === 3) name = r.string(f);
    else if (f.field === 4) opType = r.string(f);
    else if (f.field === 5) parseAttribute(r.sub(f), graph, depth, intAttributes, constants);
  }
  // a Constant node's tensor is a value like an initializer, named by the node's output
  if (opType === "Constant" && outputs.length > 0) for (const t of constants) graph.initializers.push({ ...t, name: outputs[0] });
  graph.nodes.push({ name, opType, inputs, outputs, intAttributes });
}

function parseAttribute(r: ProtobufReader, graph: { initializers: OnnxTensor[]; nodes: OnnxNode[] }, depth: number, ints: Record<string, number>, constants: OnnxTensor[]): void {
  let name = "";
  let intValue: number | undefined;
  const subgraphs: ProtoField[] = [];
  let tensor: ProtoField | undefined;
  while (!r.done) {
    const f = r.next();
    if (f.field === 1) name = r.string(f);
    else if (f.field === 3 && f.wireType === WIRE_VARINT) intValue = f.varint;
    else if (f.field === 5) tensor = f;
    else if (f.field === 6 || f.field === 11) subgraphs.push(f);
  }
  if (intValue !== undefined) ints[name] = intValue;
  if (tensor && name === "value") constants.push(parseTensor(r.sub(tensor)));
  for (const g of subgraphs) parseGraph(r.sub(g), graph, depth + 1);
}

function parseGraph(r: ProtobufReader, graph: { initializers: OnnxTensor[]; nodes: OnnxNode[] }, depth: number): void {
  if (depth > MAX_DEPTH) r.fail(`subgraphs nested more than ${MAX_DEPTH} deep`, r.start);
  while (!r.done) {
    const f = r.next();
    if (f.field === 1) parseNode(r.sub(f), graph, depth);
    else if (f.field === 5) graph.initializers.push(parseTensor(r.sub(f)));
  }
}

/**
 * Reads the initializers and nodes of an ONNX `ModelProto` (`ModelProto.graph` → `GraphProto.initializer` /
 * `node`, recursing into subgraph attributes). Tensor data is not decoded. `MALFORMED_FILE` naming `what` on
 * malformed bytes.
 */
export function parseOnnxModel(bytes: Uint8Array, what: string): OnnxGraph {
  const r = new ProtobufReader(bytes, what);
  const graph = { initializers: [] as OnnxTensor[], nodes: [] as OnnxNode[] };
  let sawGraph = false;
  while (!r.done) {
    const f = r.next();
    if (f.field === 7) {
      parseGraph(r.sub(f), graph, 0);
      sawGraph = true;
    }
  }
  if (!sawGraph) r.fail("no graph (ModelProto field 7)", 0);
  return graph;
}
