// Gradient registration for Node. Importing @tensorflow/tfjs-core alone registers no gradients, and tfjs-core's
// `dist/register_all_gradients` cannot load in Node ESM (extensionless imports). The union package's Node bundle
// registers every gradient (and chained ops, cpu and webgl) on the shared tfjs-core, once: Node caches the module,
// so @tensorflow/tfjs-node (which imports the same package) does not register them again.
import "@tensorflow/tfjs";
