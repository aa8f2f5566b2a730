/** Float64 reference of shaders/matmul.wgsl: same arguments as matmulDispatch, arrays instead of views. */
import { activationCpu, type EngineActivation } from '../activations.ts';

export interface MatmulCpuArgs {
  a: Float64Array;
  b: Float64Array;
  /** Read when accumulating, written always. */
  c: Float64Array;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  bias?: Float64Array;
  act?: EngineActivation;
  pre?: Float64Array;
  gate?: { p: Float64Array; act: EngineActivation };
  rowsum?: Float64Array;
  accumulate?: boolean;
}

export function matmulCpu(args: MatmulCpuArgs): void {
  const { a, b, c, m, n, k, transA, transB, bias, pre, gate, rowsum, accumulate } = args;
  const act = args.act ?? 'identity';
  const ai = (i: number, l: number) => (transA ? l * m + i : i * k + l);
  const opA = (i: number, l: number) => {
    const idx = ai(i, l);
    return gate ? a[idx] * activationCpu(gate.p[idx], gate.act, 1) : a[idx];
  };
  for (let i = 0; i < m; i++) {
    if (rowsum) {
      let r = 0;
      for (let l = 0; l < k; l++) r += opA(i, l);
      rowsum[i] = accumulate ? rowsum[i] + r : r;
    }
    for (let j = 0; j < n; j++) {
      let s = bias ? bias[j] : 0;
      for (let l = 0; l < k; l++) s += opA(i, l) * b[transB ? j * k + l : l * n + j];
      if (pre) pre[i * n + j] = s;
      const y = activationCpu(s, act, 0);
      c[i * n + j] = accumulate ? c[i * n + j] + y : y;
    }
  }
}
