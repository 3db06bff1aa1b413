const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

function finish(v1: number, v2: number, v3: number, v4: number, words: Uint32Array, from: number, byteLength: number, seed: number, long: boolean): number {
  let h = long ? (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0 : (seed + P5) | 0;
  h = (h + byteLength) | 0;
  for (let i = from; i < words.length; i++) h = Math.imul(rotl((h + Math.imul(words[i], P3)) | 0, 17), P4);
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * 64-bit content hash of every byte of `data`: two xxHash32 digests (seeds 0 and 1, computed in one pass over the
 * 32-bit words), as 16 hex digits. Non-cryptographic; used to key caches on an embedding matrix's exact values.
 * About 0.3 ns per byte in V8 (see the package README for the measured cost).
 */
export function hashFloat32Array(data: Float32Array): string {
  const words = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const n = words.length;
  const stripes = n - (n % 4);
  let a1 = (0 + P1 + P2) | 0, a2 = (0 + P2) | 0, a3 = 0, a4 = (0 - P1) | 0;
  let b1 = (1 + P1 + P2) | 0, b2 = (1 + P2) | 0, b3 = 1, b4 = (1 - P1) | 0;
  for (let i = 0; i < stripes; i += 4) {
    const w1 = Math.imul(words[i], P2), w2 = Math.imul(words[i + 1], P2), w3 = Math.imul(words[i + 2], P2), w4 = Math.imul(words[i + 3], P2);
    a1 = Math.imul(rotl((a1 + w1) | 0, 13), P1);
    a2 = Math.imul(rotl((a2 + w2) | 0, 13), P1);
    a3 = Math.imul(rotl((a3 + w3) | 0, 13), P1);
    a4 = Math.imul(rotl((a4 + w4) | 0, 13), P1);
    b1 = Math.imul(rotl((b1 + w1) | 0, 13), P1);
    b2 = Math.imul(rotl((b2 + w2) | 0, 13), P1);
    b3 = Math.imul(rotl((b3 + w3) | 0, 13), P1);
    b4 = Math.imul(rotl((b4 + w4) | 0, 13), P1);
  }
  const byteLength = (n * 4) | 0;
  const long = n >= 4;
  const hex = (h: number) => h.toString(16).padStart(8, "0");
  return hex(finish(a1, a2, a3, a4, words, stripes, byteLength, 0, long)) + hex(finish(b1, b2, b3, b4, words, stripes, byteLength, 1, long));
}
