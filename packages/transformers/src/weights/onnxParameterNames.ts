import type { OnnxGraph, OnnxNode, OnnxTensor } from "./onnxModelProto.js";
import { isFloatOnnxType } from "./onnxTensorValues.js";

/** An ONNX tensor under its PyTorch parameter name. */
export interface OnnxParameter {
  readonly tensor: OnnxTensor;
  /**
   * True when the tensor is stored `(in, out)` for a `MatMul` (or `Gemm` without `transB`) while the PyTorch
   * parameter is `(out, in)` (`nn.Linear`), or the other way round (a `Conv1D` under `Gemm transB=1`).
   */
  readonly transpose: boolean;
}

/** Options of {@link onnxParameterNames}. */
export interface OnnxNameOptions {
  /** Module paths whose PyTorch weight is stored `(in, out)` (GPT-2's `Conv1D`); all others are `nn.Linear`. */
  readonly isConv1D?: (modulePath: string) => boolean;
}

const PARAMETER_NAME = /^[A-Za-z_][\w.]*$/;

/** Whether an initializer name is a PyTorch parameter name (`transformer.wte.weight`) rather than an exporter's. */
export function isParameterName(name: string): boolean {
  return PARAMETER_NAME.test(name) && !name.endsWith("_output_0");
}

/** `/transformer/h.0/attn/c_attn/Gemm` → `transformer.h.0.attn.c_attn` (torch.onnx's scoped node names); `""` otherwise. */
export function nodeModulePath(nodeName: string): string {
  if (!nodeName.startsWith("/")) return "";
  const parts = nodeName.split("/").filter((p) => p !== "");
  return parts.slice(0, -1).join(".");
}

/** The parameter leaf an op input stands for, and whether it is stored `(in, out)`. */
function roleOf(node: OnnxNode, index: number, t: OnnxTensor): { leaf: "weight" | "bias"; inOut?: boolean } | undefined {
  const rank = t.dims.length;
  switch (node.opType) {
    case "MatMul":
      return index === 1 && rank === 2 ? { leaf: "weight", inOut: true } : undefined;
    case "Gemm":
      if (index === 1 && rank === 2) return { leaf: "weight", inOut: !node.intAttributes.transB };
      return index === 2 && rank === 1 ? { leaf: "bias" } : undefined;
    case "Gather":
      return index === 0 && rank === 2 ? { leaf: "weight" } : undefined;
    case "LayerNormalization":
      return rank === 1 && (index === 1 || index === 2) ? { leaf: index === 1 ? "weight" : "bias" } : undefined;
    case "Add":
      return rank === 1 && t.dims[0] > 1 ? { leaf: "bias" } : undefined;
    case "Mul":
      return rank === 1 && t.dims[0] > 1 ? { leaf: "weight" } : undefined;
    default:
      return undefined;
  }
}

/**
 * Maps the initializers of an ONNX graph exported from PyTorch back to parameter names. Named initializers keep their
 * names. Anonymous ones (`onnx::MatMul_1234`: weights the exporter transposed or deduplicated) are named from the
 * node that consumes them: the node's scope (`/model/encoder/layers.0/self_attn/q_proj/MatMul`) is the module, the
 * op and input slot say `weight` or `bias` and the layout; a module path missing an outer prefix is completed from
 * the named parameters (`h.0.attn.c_attn` → `transformer.h.0.attn.c_attn` when `transformer.h.0.attn.c_attn.bias` is
 * named). Anything else (shape constants) is left out.
 */
export function onnxParameterNames(graph: OnnxGraph, options: OnnxNameOptions = {}): Map<string, OnnxParameter> {
  const out = new Map<string, OnnxParameter>();
  const anonymous: OnnxTensor[] = [];
  for (const t of graph.initializers) {
    if (!isFloatOnnxType(t.dataType)) continue;
    if (isParameterName(t.name)) out.set(t.name, { tensor: t, transpose: false });
    else if (t.dims.length > 0) anonymous.push(t);
  }
  if (anonymous.length === 0) return out;
  const modules = new Set([...out.keys()].filter((n) => n.includes(".")).map((n) => n.slice(0, n.lastIndexOf("."))));
  const complete = (path: string): string => {
    if (modules.has(path)) return path;
    for (const m of modules) if (m.endsWith(`.${path}`)) return m;
    return path;
  };
  const consumers = new Map<string, { node: OnnxNode; index: number }[]>();
  for (const node of graph.nodes) {
    node.inputs.forEach((input, index) => {
      const list = consumers.get(input);
      if (list) list.push({ node, index });
      else consumers.set(input, [{ node, index }]);
    });
  }
  for (const t of anonymous) {
    for (const { node, index } of consumers.get(t.name) ?? []) {
      const path = nodeModulePath(node.name);
      const role = path ? roleOf(node, index, t) : undefined;
      if (!role) continue;
      const module = complete(path);
      const name = `${module}.${role.leaf}`;
      if (out.has(name)) continue;
      const conv1D = options.isConv1D?.(module) ?? false;
      out.set(name, { tensor: t, transpose: role.inOut !== undefined && role.inOut !== conv1D });
    }
  }
  return out;
}
