import type { MethodExporter } from './exporter.ts';
import { ADAPTIVE_LOSS } from './meanflow.ts';

export const meanflowDistillExport: MethodExporter = {
  id: 'meanflowDistill',
  sampler: 'flowMap',
  losses: { 'student.net': 'meanflow_distill_loss' },
  source:
    ADAPTIVE_LOSS +
    String.raw`

def meanflow_distill_loss(nets, x, rand, B, teacher):
    """MeanFlow distillation (2505.13447, 2505.18825): E w || F(z_t, t, r) - sg(u_T - (t - r) dF/dt) ||^2,
    u_T = sg(u_T(z_t, t)) the (guided) teacher's velocity, dF/dt the JVP along (u_T, 1, 0) on (z, t, r)."""
    if teacher is None:
        raise SystemExit("meanflowDistill needs a teacher velocity: train one first or load teacher.* with --init")
    net = nets["net"]
    e = rand.normal(*x.shape)
    t, r = sorted_pair(rand, B, P["timeDist"], P["timeMean"], P["timeStd"])
    r = equal_on_fraction(t, r, P["ratioEqual"])
    z = interpolate(x, e, t)
    v = teacher(z, t).detach()
    F, dFdt = jvp(net, (z, t, r), (v, torch.ones_like(t), torch.zeros_like(r)))
    target = (v - (t - r) * dFdt).detach()
    per_sample = sum_squares(F - target)
    total = adaptive_loss(per_sample, P["adaptiveP"], P["adaptiveEps"])
    return total, {"meanflow": total, "mse": per_sample.mean()}
`,
};
