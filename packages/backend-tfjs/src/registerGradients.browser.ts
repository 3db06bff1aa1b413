// Gradient registration for browser bundles: the same two modules the union package @tensorflow/tfjs imports, so a
// bundle that also contains @tensorflow/tfjs evaluates them once, without pulling in tfjs-layers/converter/data.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";
