import { listMethods, registerMethod } from "@inseqjs/core";
import { NoiseTunnel } from "./noiseTunnel.js";

/** Registers `noise_tunnel` through the public registry (once; importing the package twice is harmless). */
export function registerNoiseTunnel(): void {
  if (listMethods().includes("noise_tunnel")) return;
  registerMethod("noise_tunnel", () => new NoiseTunnel(), {
    description: "NoiseTunnel (plugin): SmoothGrad / SmoothGrad² / VarGrad of any gradient method over noisy inputs (baseMethod, nSamples, stdevs, ntType, seed)",
  });
}

registerNoiseTunnel();
