/** GPT-2's module names, as `GPT2LMHeadModel.named_modules()` lists them (dropouts left out). */
export function gpt2LayerNames(numLayers: number): string[] {
  const names = ["transformer.wte", "transformer.wpe"];
  for (let i = 0; i < numLayers; i++) {
    const p = `transformer.h.${i}`;
    names.push(p, `${p}.ln_1`, `${p}.attn`, `${p}.attn.c_attn`, `${p}.attn.c_proj`, `${p}.ln_2`, `${p}.mlp`, `${p}.mlp.c_fc`, `${p}.mlp.c_proj`, `${p}.mlp.act`);
  }
  names.push("transformer.ln_f", "lm_head");
  return names;
}
