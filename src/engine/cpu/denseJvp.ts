/** Float64 reference of shaders/denseJvp.wgsl. */
import { activationCpu, type EngineActivation } from '../activations.ts';

export interface DenseJvpCpuArgs {
  x: Float64Array;
  xDot: Float64Array;
  w: Float64Array;
  b: Float64Array;
  y: Float64Array;
  yDot: Float64Array;
  pre?: Float64Array;
  batch: number;
  inF: number;
  outF: number;
  act: EngineActivation;
}

export function denseJvpCpu({ x, xDot, w, b, y, yDot, pre, batch, inF, outF, act }: DenseJvpCpuArgs): void {
  for (let i = 0; i < batch; i++) {
    for (let o = 0; o < outF; o++) {
      let s = b[o];
      let t = 0;
      for (let k = 0; k < inF; k++) {
        s += x[i * inF + k] * w[o * inF + k];
        t += xDot[i * inF + k] * w[o * inF + k];
      }
      if (pre) pre[i * outF + o] = s;
      y[i * outF + o] = activationCpu(s, act, 0);
      yDot[i * outF + o] = activationCpu(s, act, 1) * t;
    }
  }
}
