// Importing the union package registers every op gradient (and the cpu/webgl backends) on the shared tfjs-core.
// Importing @tensorflow/tfjs-core alone registers none (STACK.md §3), so every entry point goes through here.
import "@tensorflow/tfjs";
