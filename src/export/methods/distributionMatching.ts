/**
 * Python shared by the distribution-matching exports (DMD, TMD stage 2): re-noising times, the fake
 * network's Flow Matching on detached samples, the DMD2 / VSD generator gradient and its surrogate.
 */
export const DISTRIBUTION_MATCHING = String.raw`
DM_TIME_MIN, DM_TIME_MAX = 0.02, 0.98  # DMD2's range of re-noising times (0.02 T .. 0.98 T)


def matching_times(rand, n, shift=1.0):
    """r in [0.02, 0.98] from one uniform draw; shift k != 1: first u <- k u / (1 + (k - 1) u) (SD3's shift)."""
    u = rand.uniform(n, 1)
    if shift != 1:
        u = u * shift / (u * (shift - 1) + 1)
    return u * (DM_TIME_MAX - DM_TIME_MIN) + DM_TIME_MIN


def fake_flow_matching(fake, samples, noise, r):
    """The fake network's FM on DETACHED samples: || v_fake(x_r, r) - (n - sg(x)) ||^2, x_r = (1 - r) sg(x) + r n."""
    x = samples.detach()
    xr = interpolate(x, noise, r)
    return sum_squares(fake(xr, r, r) - (noise - x)).mean()


def matching_gradient(form, x, xr, r, v_real, v_fake):
    """The generator gradient g, held fixed (sg). dmd2: (x0_fake - x0_real) / mean_dims |x - x0_real| with the
    x0 predictions x_r - r v; vsd: the eps-prediction difference (1 - r)(v_real - v_fake), unweighted."""
    if form == "vsd":
        return ((1 - r) * (v_real - v_fake)).detach()
    x0_real, x0_fake = xr - r * v_real, xr - r * v_fake
    norm = (x - x0_real).abs().mean(1, keepdim=True)
    return ((x0_fake - x0_real) / norm).detach()


def matching_surrogate(point, g):
    """0.5 || p - sg(p - g) ||^2 per sample, as (p . g - sg(p . g)) + 0.5 ||g||^2: value 0.5 ||g||^2, gradient g . dp."""
    dot = (point * g).sum(1)
    return dot - dot.detach() + 0.5 * sum_squares(g)


def generator_matching(form, real, fake, x, noise, r):
    """The distribution-matching term per sample for generator samples x (gradients to the generator):
    re-noise x_r = (1 - r) x + r n, read v_real = u_T(x_r, r) and v_fake = F_fake(x_r, r, r), surrogate at x."""
    xr = interpolate(x, noise, r)
    g = matching_gradient(form, x, xr, r, real(xr, r), fake(xr, r, r))
    return matching_surrogate(x, g)


def loss_check_batch_size(tensors):
    """A data-free batch file has no data: B is the largest first dimension of its draws."""
    return max(t.shape[0] for k, t in tensors.items() if "random." in k)
`;
