/** Parameter names and shapes of a run (what a checkpoint holds): every network, and the sampling EMA. */
import type { Method } from '../methods/method.ts';
import type { ExperimentConfig } from './config.ts';
import { emaPrefix, netPrefix, networkSpec } from './networks.ts';

export function parameterShapes(method: Method, config: ExperimentConfig): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [net, decl] of Object.entries(method.networks)) {
    for (const s of networkSpec(decl, config)) out[netPrefix(net) + s.name] = s.shape;
  }
  if (config.train.ema > 0) {
    const net = method.sampleNetwork;
    for (const s of networkSpec(method.networks[net], config)) out[emaPrefix(net) + s.name] = s.shape;
  }
  return out;
}
