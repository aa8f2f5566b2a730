import type { MethodExporter } from './exporter.ts';

export const tvmExport: MethodExporter = {
  id: 'tvm',
  sampler: 'flowMap',
  losses: { 'student.net': 'tvm_loss' },
  source: String.raw`
def tvm_times(rand, B, s_mean, s_std, gap_mean, gap_std):
    """TVM's sampler (lumalabs/tvm sample_ts): gap ~ sigmoid(N(gap_mean, gap_std)), s ~ sigmoid(N(s_mean,
    s_std)) truncated to s <= 1 - gap (inverse CDF in logit space), t = min(s + gap, 1), and an
    independent logit-normal s' for the flow-matching term."""
    gap_logit = rand.normal(B, 1) * gap_std + gap_mean
    gap = torch.sigmoid(gap_logit)
    bound = (-gap_logit - s_mean) / s_std  # the standardised logit(1 - gap)
    p = rand.uniform(B, 1) * torch.special.ndtr(bound)
    s = torch.sigmoid(torch.special.ndtri(p) * s_std + s_mean)
    t = torch.clamp(s + gap, max=1.0)
    s_prime = logit_normal_times(rand, B, s_mean, s_std)
    return t, s, s_prime


TVM_MIN_GAP = 1e-6  # below this gap the terminal term is 0 (official: torch.isclose(s, t))


def tvm_loss(nets, x, rand, B, teacher):
    """Terminal Velocity Matching (2511.19797): || F + (s - t) dF/ds - sg(F_ema(f(z_t, t, s), s, s)) ||^2
    + || F(z_s', s', s') - (e - x) ||^2, per-sample errors averaged over dimensions."""
    net, target = nets["net"], nets["target"]
    e = rand.normal(*x.shape)
    t, s, s_prime = tvm_times(rand, B, P["sMean"], P["sStd"], P["gapMean"], P["gapStd"])
    z = interpolate(x, e, t)
    F, dFds = jvp(net, (z, t, s), (torch.zeros_like(z), torch.zeros_like(t), torch.ones_like(s)))
    if P["detachJvp"]:
        dFds = dFds.detach()
    dfds = F + (s - t) * dFds  # d/ds [z + (s - t) F]
    f = flow_map(z, t, s, F)
    terminal_target = target(f, s, s).detach()
    apart = (t - s).reshape(B) > TVM_MIN_GAP
    terminal = torch.where(apart, mean_squares(dfds - terminal_target), torch.zeros_like(apart, dtype=F.dtype))
    zs = interpolate(x, e, s_prime)
    fm = mean_squares(net(zs, s_prime, s_prime) - (e - x))
    per_sample = terminal + fm * P["fmWeight"]
    per_sample = torch.where((per_sample > -1e30) & (per_sample < 1e30), per_sample, torch.zeros_like(per_sample))
    total = per_sample.mean()
    return total, {"tvm": total, "terminal": terminal.mean(), "fm": fm.mean()}
`,
};
