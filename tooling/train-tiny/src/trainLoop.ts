import * as tf from "@tensorflow/tfjs-core";

/** `tf.train.adam` whose learning rate can follow a schedule. */
class ScheduledAdam extends tf.AdamOptimizer {
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
}

/** Options of {@link trainLoop}. */
export interface TrainLoopOptions {
  readonly steps: number;
  /** Peak learning rate, reached after `warmupSteps` of linear warm-up, then cosine decay to 10 %. */
  readonly learningRate: number;
  readonly warmupSteps: number;
  /** The loss of training step `step` (builds its own batch). Runs inside the optimizer's tape. */
  readonly loss: (step: number) => tf.Scalar;
  /** Called every `logEvery` steps with the mean loss since the last call. */
  readonly onLog?: (step: number, loss: number, seconds: number) => void;
  readonly logEvery?: number;
  /** Stops early when it returns true (checked at each log). */
  readonly done?: (step: number) => boolean;
}

/** Adam over `vars` with warm-up and cosine decay; returns the number of steps run. */
export function trainLoop(vars: tf.Variable[], options: TrainLoopOptions): number {
  const { steps, learningRate, warmupSteps, logEvery = 100 } = options;
  const optimizer = new ScheduledAdam(learningRate, 0.9, 0.98, 1e-8);
  const t0 = Date.now();
  let sum = 0;
  let n = 0;
  let step = 0;
  try {
    for (; step < steps; step++) {
      const warm = Math.min(1, (step + 1) / warmupSteps);
      const progress = Math.max(0, step - warmupSteps) / Math.max(1, steps - warmupSteps);
      optimizer.setLearningRate(learningRate * warm * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress))));
      const cost = optimizer.minimize(() => options.loss(step), true, vars);
      sum += cost!.dataSync()[0];
      n++;
      cost!.dispose();
      if ((step + 1) % logEvery === 0) {
        options.onLog?.(step + 1, sum / n, (Date.now() - t0) / 1000);
        sum = 0;
        n = 0;
        if (options.done?.(step + 1)) return step + 1;
      }
    }
  } finally {
    optimizer.dispose();
  }
  return step;
}
