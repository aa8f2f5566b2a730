/**
 * Activations and their derivatives up to order 3, in float64: the CPU twin of shaders/activations.wgsl.
 * The string union duplicates the graph's `Activation` (src/autodiff/prims.ts): the engine does not
 * import the graph.
 */

export type EngineActivation = 'identity' | 'silu' | 'gelu' | 'tanh' | 'relu' | 'sigmoid';
export type ActivationOrder = 0 | 1 | 2 | 3;

export const ACTIVATION_IDS: Readonly<Record<EngineActivation, number>> = {
  identity: 0,
  silu: 1,
  gelu: 2,
  tanh: 3,
  relu: 4,
  sigmoid: 5,
};

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** act^(order)(x); gelu is the tanh approximation, as torch GELU(approximate='tanh'). */
export function activationCpu(x: number, act: EngineActivation, order: ActivationOrder = 0): number {
  switch (act) {
    case 'identity':
      return order === 0 ? x : order === 1 ? 1 : 0;
    case 'relu':
      return order === 0 ? Math.max(x, 0) : order === 1 ? (x > 0 ? 1 : 0) : 0;
    case 'tanh': {
      const t = Math.tanh(x);
      const s = 1 - t * t;
      return [t, s, -2 * t * s, s * (6 * t * t - 2)][order];
    }
    case 'sigmoid': {
      const s = sigmoid(x);
      const g = s * (1 - s);
      const q = 1 - 2 * s;
      return [s, g, g * q, g * (q * q - 2 * g)][order];
    }
    case 'silu': {
      const s = sigmoid(x);
      const g = s * (1 - s);
      const q = 1 - 2 * s;
      return [x * s, s * (1 + x * (1 - s)), g * (2 + x * q), g * (q * (3 + x * q) - 2 * x * g)][order];
    }
    case 'gelu': {
      const c = Math.sqrt(2 / Math.PI);
      const a = 0.044715;
      const u = c * (x + a * x ** 3);
      const u1 = c * (1 + 3 * a * x * x);
      const u2 = 6 * c * a * x;
      const u3 = 6 * c * a;
      const t = Math.tanh(u);
      const s = 1 - t * t;
      if (order === 0) return 0.5 * x * (1 + t);
      if (order === 1) return 0.5 * (1 + t) + 0.5 * x * s * u1;
      const h = u1 + 0.5 * x * (u2 - 2 * t * u1 * u1);
      if (order === 2) return s * h;
      const h1 = u2 + 0.5 * (u2 - 2 * t * u1 * u1) + 0.5 * x * (u3 - 2 * s * u1 ** 3 - 4 * t * u1 * u2);
      return -2 * t * s * u1 * h + s * h1;
    }
  }
}
