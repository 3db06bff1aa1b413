import type { BartConfig } from "../../config/bartConfig.js";

const ATTENTION = ["k_proj", "v_proj", "q_proj", "out_proj"];

function attention(prefix: string): string[] {
  return [prefix, ...ATTENTION.map((p) => `${prefix}.${p}`)];
}

/**
 * Module names of a BART / mBART / M2M-100 `...ForConditionalGeneration`, in `named_modules()` order. `model.shared`
 * is listed once and `model.encoder.embed_tokens` / `model.decoder.embed_tokens` are its per-side aliases; mBART and
 * M2M-100 add the final `layer_norm` of each stack, BART and mBART the `layernorm_embedding`.
 */
export function bartLayerNames(c: BartConfig): string[] {
  const embeddingNorm = c.modelType !== "m2m_100";
  const finalNorm = c.modelType !== "bart";
  const names = ["model.shared", "model.encoder.embed_tokens", "model.encoder.embed_positions"];
  for (let i = 0; i < c.encoderLayers; i++) {
    const p = `model.encoder.layers.${i}`;
    names.push(p, ...attention(`${p}.self_attn`), `${p}.self_attn_layer_norm`, `${p}.activation_fn`, `${p}.fc1`, `${p}.fc2`, `${p}.final_layer_norm`);
  }
  if (embeddingNorm) names.push("model.encoder.layernorm_embedding");
  if (finalNorm) names.push("model.encoder.layer_norm");
  names.push("model.decoder.embed_tokens", "model.decoder.embed_positions");
  for (let i = 0; i < c.decoderLayers; i++) {
    const p = `model.decoder.layers.${i}`;
    names.push(
      p,
      ...attention(`${p}.self_attn`),
      `${p}.activation_fn`,
      `${p}.self_attn_layer_norm`,
      ...attention(`${p}.encoder_attn`),
      `${p}.encoder_attn_layer_norm`,
      `${p}.fc1`,
      `${p}.fc2`,
      `${p}.final_layer_norm`,
    );
  }
  if (embeddingNorm) names.push("model.decoder.layernorm_embedding");
  if (finalNorm) names.push("model.decoder.layer_norm");
  names.push("lm_head");
  return names;
}
