// Side effect of importing the package: `discretized_integrated_gradients` becomes available to `attribute`.
import { listMethods, registerMethod } from "@inseqjs/core";
import { DiscretizedIntegratedGradients } from "./discretizedIntegratedGradients.js";

if (!listMethods().includes("discretized_integrated_gradients")) {
  registerMethod("discretized_integrated_gradients", () => new DiscretizedIntegratedGradients(), {
    description: "Discretized Integrated Gradients: Riemann sum along monotonic paths through vocabulary anchor words",
  });
}
