/** A conditional network is sampled at its declared sampleCondition, and refuses without one. */
import { describe, expect, it } from 'vitest';
import { evalCpu, input } from '../../src/autodiff/index.ts';
import { mfm } from '../../src/methods/mfm.ts';
import { paramInputs } from '../../src/nn/index.ts';
import { parseExperiment } from '../../src/train/config.ts';
import {
  bindConditional,
  bindForSampling,
  initialNetworkValues,
  netOptions,
  networkSpec,
  UnconditionalSamplingError,
} from '../../src/train/networks.ts';
import type { Method } from '../../src/methods/method.ts';

const config = parseExperiment({ method: 'mfm', dataset: 'gmm3', net: { width: 16, depth: 2 } });

describe('sampling a conditional network', () => {
  it('binds Meta Flow Maps at (t, x_t) = (1, 0): the same numbers as the conditional call there', () => {
    const decl = mfm.networks.net;
    const params = paramInputs(networkSpec(decl, config), 'net.');
    const x = input('x', [3, 2]);
    const t = input('t', [3, 1]);
    const s = input('s', [3, 1]);
    const c = input('c', [3, 3]);
    const feeds = {
      ...initialNetworkValues(mfm as unknown as Method, config),
      x: Float64Array.from([0.1, -2, 1, 0.5, 3, 3]),
      t: Float64Array.from([1, 0.7, 0.2]),
      s: Float64Array.from([0, 0.1, 0.2]),
      c: Float64Array.from([1, 0, 0, 1, 0, 0, 1, 0, 0]),
    };
    const [a, b] = evalCpu(
      [
        bindForSampling(decl, params, netOptions(config))(x, t, s),
        bindConditional(params, netOptions(config))(x, t, s, c),
      ],
      feeds,
      { seed: 0, step: 0 },
    );
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(() =>
      bindForSampling({ ...decl, sampleCondition: undefined }, params, netOptions(config)),
    ).toThrow(UnconditionalSamplingError);
  });
});
