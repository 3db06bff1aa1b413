import { describe, expect, it, vi } from "vitest";

// No static tfjs import: the test sees the registry before and after the package is imported.
describe("gradient registration", () => {
  it("importing the package registers every gradient exactly once", async () => {
    const tf = await import("@tensorflow/tfjs-core");
    expect(tf.getGradient("Sum")).toBeUndefined(); // tfjs-core alone registers none
    tf.env().set("DEBUG", true); // tfjs warns "Overriding the gradient for X" on a second registration only in debug mode
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await import("./index.js");
      await import("./registerGradients.node.js");
      await import("@tensorflow/tfjs");
    } finally {
      tf.env().set("DEBUG", false);
      warn.mockRestore();
    }
    const overrides = warn.mock.calls.filter((c) => String(c[0]).includes("Overriding the gradient"));
    expect(overrides).toEqual([]);
    for (const kernel of ["Sum", "BatchMatMul", "Softmax", "Tanh", "Pow", "GatherV2", "Transpose", "Reshape", "Mean"]) {
      expect(tf.getGradient(kernel), kernel).toBeDefined();
    }
  });
});
