import type { LlamaConfig } from "./llamaConfig.js";

/**
 * The module names of a Llama-family `*ForCausalLM`, in `named_modules()` order (containers, dropouts and the
 * rotary embedding module left out): `model.embed_tokens`, `model.layers.{i}` with `.self_attn.{q,k,v,o}_proj`
 * (Qwen3: `.q_norm`, `.k_norm`), `.mlp.{gate,up,down}_proj`, `.mlp.act_fn`, the layer norms, `model.norm`, `lm_head`.
 */
export function llamaLayerNames(c: LlamaConfig): string[] {
  const names = ["model.embed_tokens"];
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}`;
    const attn = `${p}.self_attn`;
    names.push(p, attn, `${attn}.q_proj`, `${attn}.k_proj`, `${attn}.v_proj`, `${attn}.o_proj`);
    if (c.qkNorm) names.push(`${attn}.q_norm`, `${attn}.k_norm`);
    names.push(`${p}.mlp`, `${p}.mlp.gate_proj`, `${p}.mlp.up_proj`, `${p}.mlp.down_proj`, `${p}.mlp.act_fn`);
    names.push(`${p}.input_layernorm`, `${p}.post_attention_layernorm`);
    if (c.sandwichNorms) names.push(`${p}.pre_feedforward_layernorm`, `${p}.post_feedforward_layernorm`);
  }
  names.push("model.norm", "lm_head");
  return names;
}
