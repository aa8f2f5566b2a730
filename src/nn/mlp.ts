/**
 * The multilayer perceptron, as the PyTorch module
 *
 *   class MLP(nn.Module):
 *     def __init__(self, in_dim, width, depth, out_dim, act):
 *       dims = [in_dim] + [width] * depth + [out_dim]
 *       self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
 *       self.act = act                      # nn.SiLU(), nn.GELU(approximate='tanh'), nn.Tanh(), ...
 *     def forward(self, x):
 *       for layer in self.layers[:-1]: x = self.act(layer(x))
 *       return self.layers[-1](x)
 *
 * so `depth` hidden layers of `width` units and depth + 1 Linear layers in all. GELU is the tanh
 * approximation (the engine's activation); a checkpoint with these state_dict keys loads as is.
 */
import { concat, dense, type Activation, type Tensor } from '../autodiff/index.ts';
import type { ParamSpec, ParamTensors } from './params.ts';

export interface MlpConfig {
  inDim: number;
  width: number;
  /** Number of hidden layers (each Linear + activation); the output layer comes on top. */
  depth: number;
  outDim: number;
  act: Activation;
}

export class NetworkShapeError extends Error {
  override name = 'NetworkShapeError';
}

export function mlpSpec(cfg: MlpConfig): ParamSpec[] {
  if (cfg.depth < 0 || cfg.width < 1 || cfg.inDim < 1 || cfg.outDim < 1) {
    throw new NetworkShapeError(
      `MLP needs inDim, width, outDim >= 1 and depth >= 0, got ${JSON.stringify(cfg)}`,
    );
  }
  const dims = [cfg.inDim, ...Array<number>(cfg.depth).fill(cfg.width), cfg.outDim];
  const spec: ParamSpec[] = [];
  for (let i = 0; i + 1 < dims.length; i++) {
    const bound = 1 / Math.sqrt(dims[i]);
    spec.push({
      name: `layers.${i}.weight`,
      shape: [dims[i + 1], dims[i]],
      init: { kind: 'uniform', bound },
    });
    spec.push({ name: `layers.${i}.bias`, shape: [dims[i + 1]], init: { kind: 'uniform', bound } });
  }
  return spec;
}

/** The number of Linear layers in `params` (layers.0 .. layers.{n-1}). */
export function layerCount(params: ParamTensors): number {
  let n = 0;
  while (params[`layers.${n}.weight`]) n++;
  if (n === 0)
    throw new NetworkShapeError(
      'no `layers.0.weight` in the parameters: build them with mlpSpec + paramInputs',
    );
  return n;
}

/** The MLP on x [B, inDim]: act on hidden layers, identity on the last. */
export function mlp(params: ParamTensors, x: Tensor, act: Activation): Tensor {
  const n = layerCount(params);
  let h = x;
  for (let i = 0; i < n; i++) {
    const w = params[`layers.${i}.weight`];
    if (h.shape[1] !== w.shape[1]) {
      throw new NetworkShapeError(
        `layer ${i} expects ${w.shape[1]} input features, got ${h.shape[1]}: check inDim`,
      );
    }
    h = dense(h, w, params[`layers.${i}.bias`], i + 1 < n ? act : 'identity');
  }
  return h;
}

/**
 * A conditional MLP: the inputs ([B, d_k] each, e.g. a point and a class one-hot) are concatenated
 * along features in the order given, as torch.cat(inputs, dim=1), then the MLP applies.
 */
export function conditionalMlp(params: ParamTensors, inputs: Tensor[], act: Activation): Tensor {
  return mlp(params, concat(inputs, 1), act);
}
