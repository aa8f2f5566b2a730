import type { MethodExporter } from './exporter.ts';

export const freeflowExport: MethodExporter = {
  id: 'freeflow',
  sampler: 'oneJump',
  losses: { 'student.net': 'freeflow_loss', 'student.fake': 'fake_loss' },
  source: String.raw`
def split_batch(B, share, corrector):
    """(predictor rows, corrector rows) of a batch."""
    if not corrector:
        return B, 0
    n = min(B - 1, max(1, js_round(share * B)))
    return n, B - n


def loss_check_batch_size(tensors):
    """A data-free batch file has no data: B is the predictor's rows plus the corrector's."""
    return tensors["random.0"].shape[0] + (tensors["random.2"].shape[0] if P["corrector"] else 0)


def sample_weight(D, k, eps):
    """sg(1 / (||D||^2 / dim + eps)^k) per sample; None when k = 0."""
    if k == 0:
        return None
    return (1 / (sum_squares(D) / D.shape[1] + eps).pow(k)).detach()


def weighted(per_sample, w):
    return (per_sample if w is None else per_sample * w).mean()


def student_jump(net, z, d):
    """The one-jump map from the prior: f(z, 1, 1 - d) = z - d F(z, 1, 1 - d)."""
    one = torch.ones_like(d)
    return flow_map(z, one, 1 - d, net(z, one, 1 - d))


def predictor_loss(nets, rand, n, teacher):
    """F + d dF/dd = u_T(f(z, 1, 1 - d), 1 - d) on prior samples z, in the stop-gradient or residual form."""
    z = rand.normal(n, DIM)
    d = sample_times(rand, n, P["deltaDist"], P["deltaMean"], P["deltaStd"])
    one, s = torch.ones_like(d), 1 - d
    # dF/dd = -dF/ds: tangent (0, 0, -1) on (x, t, s)
    F, dFdd = jvp(nets["net"], (z, one, s), (torch.zeros_like(z), torch.zeros_like(one), -torch.ones_like(s)))
    uT = teacher(flow_map(z, one, s, F), s)
    if P["predictorForm"] == "residual":
        residual = F + d * dFdd - uT
    else:
        residual = F - (uT - d * dFdd).detach()
    return weighted(sum_squares(residual), sample_weight(residual, P["weightPower"], P["weightEps"]))


def renoised_samples(nets, rand, n, r, detach):
    """x_r = (1 - r) f(z, 1, 0) + r noise: the student's one-step samples re-noised to level r."""
    z = rand.normal(n, DIM)
    x0 = student_jump(nets["net"], z, torch.ones(n, 1, dtype=z.dtype, device=z.device))
    noise = rand.normal(n, DIM)
    x0 = x0.detach() if detach else x0
    return x0, noise, interpolate(x0, noise, r)


def corrector_loss(nets, rand, n, teacher):
    """Pushes the student's samples along (v_fake - u_T)(x_r, r): value 1/2 ||g||^2, gradient g . dx_r/dtheta."""
    r = logit_normal_times(rand, n, P["correctorMean"], P["correctorStd"])
    _, _, xr = renoised_samples(nets, rand, n, r, detach=False)
    g = (teacher(xr, r) - nets["fake"](xr, r, r)).detach()
    dot = (xr * g).sum(1)
    per_sample = dot - dot.detach() + 0.5 * sum_squares(g)
    return weighted(per_sample, sample_weight(g, P["weightPower"], P["weightEps"]))


def freeflow_loss(nets, x, rand, B, teacher):
    """FreeFlow (2511.19428), data-free: predictor on prior samples plus the distribution-matching corrector."""
    n_pred, n_corr = split_batch(B, P["predictorShare"], P["corrector"])
    predictor = predictor_loss(nets, rand, n_pred, teacher)
    if n_corr == 0:
        return predictor, {"freeflow": predictor, "predictor": predictor}
    corrector = corrector_loss(nets, rand, n_corr, teacher)
    total = predictor + corrector * P["correctorWeight"]
    return total, {"freeflow": total, "predictor": predictor, "corrector": corrector}


def fake_loss(nets, x, rand, B, teacher):
    """The fake network's Flow Matching on the student's (detached) re-noised samples."""
    n = split_batch(B, P["predictorShare"], True)[1]
    r = uniform_times(rand, n)
    x0, noise, xr = renoised_samples(nets, rand, n, r, detach=True)
    fake = sum_squares(nets["fake"](xr, r, r) - (noise - x0)).mean()
    return fake, {"fake": fake}
`,
};
