import * as tf from "@tensorflow/tfjs-core";
import { useBackend } from "@inseqjs/backend-tfjs";

await useBackend("wasm");
const cases = {};
function add(name, f) { cases[name] = { f, ts: [] }; tf.tidy(f); }
const x = tf.randomNormal([340, 3072]);
add("tanh", () => tf.tanh(x));
add("sigmoid", () => tf.sigmoid(x));
add("mul", () => tf.mul(x, x));
add("mul scalar", () => tf.mul(x, 0.5));
add("add", () => tf.add(x, x));
add("clone", () => tf.clone(x));
add("square", () => tf.square(x));
add("erf", () => tf.erf(x));
add("exp", () => tf.exp(x));
const [M, K, N] = [340, 3072, 768];
const W = tf.randomNormal([K, N]); const WT = tf.transpose(W); const dy = tf.randomNormal([M, N]);
add("bwd dy·WT cached", () => tf.matMul(dy, WT));
add("bwd (W·dyT)T", () => tf.transpose(tf.matMul(W, tf.transpose(dy))));
const W2 = tf.randomNormal([N, K]); const W2T = tf.transpose(W2); const dy2 = tf.randomNormal([M, K]); const x2 = tf.randomNormal([M, N]);
add("fwd x·W2 [340,768]x[768,3072]", () => tf.matMul(x2, W2));
add("bwd2 dy·W2T cached", () => tf.matMul(dy2, W2T));
add("bwd2 (W2·dyT)T", () => tf.transpose(tf.matMul(W2, tf.transpose(dy2))));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let r = 0; r < 7; r++) for (const c of Object.values(cases)) { const t = cpu(); tf.tidy(c.f); c.ts.push(cpu() - t); }
for (const [n, c] of Object.entries(cases)) { c.ts.sort((a, b) => a - b); console.log(n.padEnd(36), "cpu ms min", c.ts[0].toFixed(1), "med", c.ts[3].toFixed(1)); }
