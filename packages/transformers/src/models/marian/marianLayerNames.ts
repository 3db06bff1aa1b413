const ATTENTION = ["k_proj", "v_proj", "q_proj", "out_proj"];

function attention(prefix: string): string[] {
  return [prefix, ...ATTENTION.map((p) => `${prefix}.${p}`)];
}

/**
 * Marian's module names, as `MarianMTModel.named_modules()` lists them. With shared embeddings `model.shared` is
 * listed once and `model.encoder.embed_tokens` / `model.decoder.embed_tokens` are its per-side aliases.
 */
export function marianLayerNames(encoderLayers: number, decoderLayers: number, shared: boolean): string[] {
  const names = shared ? ["model.shared"] : [];
  names.push("model.encoder.embed_tokens", "model.encoder.embed_positions");
  for (let i = 0; i < encoderLayers; i++) {
    const p = `model.encoder.layers.${i}`;
    names.push(p, ...attention(`${p}.self_attn`), `${p}.self_attn_layer_norm`, `${p}.activation_fn`, `${p}.fc1`, `${p}.fc2`, `${p}.final_layer_norm`);
  }
  names.push("model.decoder.embed_tokens", "model.decoder.embed_positions");
  for (let i = 0; i < decoderLayers; i++) {
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
  names.push("lm_head");
  return names;
}
