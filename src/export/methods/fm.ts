import type { MethodExporter } from './exporter.ts';

export const fmExport: MethodExporter = {
  id: 'fm',
  sampler: 'ode',
  losses: { 'student.net': 'fm_loss' },
  source: String.raw`
def fm_loss(nets, x, rand, B, teacher):
    """Flow Matching: E || F(z_t, t, t) - (e - x) ||^2, z_t = (1 - t) x + t e."""
    fm = flow_matching_loss(nets["net"], x, rand, P["timeDist"], P["timeMean"], P["timeStd"])
    return fm, {"fm": fm}
`,
};
