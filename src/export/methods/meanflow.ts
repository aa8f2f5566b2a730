import type { MethodExporter } from './exporter.ts';

/** MeanFlow's adaptive weight (also Meta Flow Maps'). */
export const ADAPTIVE_LOSS = String.raw`
def adaptive_loss(per_sample, p, eps):
    """MeanFlow's adaptive weight: mean of l / sg((l + eps)^p); p = 0 is plain MSE."""
    if p == 0:
        return per_sample.mean()
    return (per_sample / (per_sample + eps).pow(p).detach()).mean()
`;

export const meanflowExport: MethodExporter = {
  id: 'meanflow',
  sampler: 'flowMap',
  losses: { 'student.net': 'meanflow_loss' },
  source:
    ADAPTIVE_LOSS +
    String.raw`

def meanflow_loss(nets, x, rand, B, teacher):
    """MeanFlow (2505.13447): E w || F(z_t, t, r) - sg(v - (t - r) dF/dt) ||^2,
    dF/dt the JVP along (v, 1, 0) on (z, t, r)."""
    net = nets["net"]
    e = rand.normal(*x.shape)
    t, r = sorted_pair(rand, B, P["timeDist"], P["timeMean"], P["timeStd"])
    r = equal_on_fraction(t, r, P["ratioEqual"])
    z = interpolate(x, e, t)
    v = e - x
    tangent = v
    if P["jvpVelocityMix"] < 1:
        own = net(z, t, t).detach()
        tangent = v * P["jvpVelocityMix"] + own * (1 - P["jvpVelocityMix"])
    F, dFdt = jvp(net, (z, t, r), (tangent, torch.ones_like(t), torch.zeros_like(r)))
    target = (v - (t - r) * dFdt).detach()
    per_sample = sum_squares(F - target)
    total = adaptive_loss(per_sample, P["adaptiveP"], P["adaptiveEps"])
    return total, {"meanflow": total, "mse": per_sample.mean()}
`,
};
