/** Shape of a GPT-2 (`GPT2LMHeadModel`) built by {@link buildRandomGpt2}. */
export interface Gpt2Shape {
  readonly nLayer: number;
  readonly nEmbd: number;
  readonly nHead: number;
  readonly vocabSize: number;
  readonly nPositions: number;
}

/** distilgpt2's shape: 6 layers, 768 wide, 12 heads, GPT-2's 50257-word vocabulary, 1024 positions (82 M parameters). */
export const DISTILGPT2_SHAPE: Gpt2Shape = { nLayer: 6, nEmbd: 768, nHead: 12, vocabSize: 50257, nPositions: 1024 };
