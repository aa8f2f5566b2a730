import { DISTRIBUTION_MATCHING } from './distributionMatching.ts';
import type { MethodExporter } from './exporter.ts';

export const tmdExport: MethodExporter = {
  id: 'tmd',
  sampler: 'custom',
  defaultNfe: 'P["outerSteps"]',
  sampleEma: false,
  losses: {
    'pretrain.head': 'transition_matching_loss',
    'student.student': 'tmd_loss',
    'student.fake': 'fake_loss',
  },
  source:
    DISTRIBUTION_MATCHING +
    String.raw`

def head_condition(trunk, x, t):
    """The head's conditioning at (x, t): [m(x, t), x, t], m = F_trunk(x, t, t) (2 D + 1 features)."""
    return torch.cat([trunk(x, t, t), x, t], 1)


def head_sample(head, c, noise, k):
    """y from the head: k flow-map jumps tau: 1 -> 0 from the noise, conditioned on c."""
    n, grid, y = noise.shape[0], uniform_grid(k), noise
    for j in range(k):
        a, b = column(n, grid[j], y), column(n, grid[j + 1], y)
        y = flow_map(y, a, b, head(y, a, b, c))
    return y


def unrolled_sample(trunk, head, e, outer, inner, fresh):
    """The unrolled sampler: outer steps x <- x - (t_i - t_{i+1}) y, y from inner head steps from FRESH noise
    fresh(n). Gradients flow through everything (trunk and head)."""
    n, grid, x = e.shape[0], uniform_grid(outer), e
    for i in range(outer):
        c = head_condition(trunk, x, column(n, grid[i], x))
        x = x - (grid[i] - grid[i + 1]) * head_sample(head, c, fresh(n), inner)
    return x


def transition_matching_loss(nets, x, rand, B, teacher):
    """Stage 1 (transition matching): MeanFlow on the head for y = e - x given c = sg([m(x_t, t), x_t, t]):
    y_tau = (1 - tau) y + tau eps, || F_h(y_tau, tau, s; c) - sg(v - (tau - s) dF_h/dtau) ||^2, v = eps - y,
    dF_h/dtau along (v, 1, 0) on (y_tau, tau, s): forward mode, or a central difference of step fdDelta."""
    trunk, head = nets["trunk"], nets["head"]
    e = rand.normal(*x.shape)
    t = uniform_times(rand, B)
    xt = interpolate(x, e, t)
    y = e - x
    c = head_condition(trunk, xt, t).detach()
    eps = rand.normal(*x.shape)
    tau, r = sorted_pair(rand, B, "uniform", 0.0, 1.0)
    s = equal_on_fraction(tau, r, P["ratioEqual"])
    y_tau = interpolate(y, eps, tau)
    v = eps - y
    F_h = lambda yy, a, b: head(yy, a, b, c)
    if P["headJvp"] == "forward":
        F, dF = jvp(F_h, (y_tau, tau, s), (v, torch.ones_like(tau), torch.zeros_like(s)))
    else:
        d = P["fdDelta"]
        F = F_h(y_tau, tau, s)
        dF = (F_h(y_tau + v * d, tau + d, s) - F_h(y_tau - v * d, tau - d, s)) * (1 / (2 * d))
    target = (v - (tau - s) * dF).detach()
    transition = sum_squares(F - target).mean()
    return transition, {"transition": transition}


def unrolled_batch(nets, rand, B):
    e = rand.normal(B, DIM)
    fresh = lambda n: rand.normal(n, DIM)
    return unrolled_sample(nets["trunk"], nets["head"], e, P["outerSteps"], P["innerSteps"], fresh)


def tmd_loss(nets, x, rand, B, teacher):
    """Stage 2: DMD2 (or VSD) on the unrolled sampler's samples: mean 0.5 || x0 - sg(x0 - grad) ||^2."""
    if teacher is None:
        raise SystemExit("tmd needs a teacher velocity: train one first or load teacher.* with --init")
    x0 = unrolled_batch(nets, rand, B)
    r = matching_times(rand, B, P["timeShift"])
    noise = rand.normal(B, DIM)
    dm = generator_matching(P["matching"], teacher, nets["fake"], x0, noise, r).mean()
    return dm, {"dm": dm}


def fake_loss(nets, x, rand, B, teacher):
    """The fake network's FM on the unrolled sampler's detached samples."""
    with torch.no_grad():  # sg(x0): no gradient reaches trunk and head
        x0 = unrolled_batch(nets, rand, B)
    r = matching_times(rand, B)
    fake = fake_flow_matching(nets["fake"], x0, rand.normal(B, DIM), r)
    return fake, {"fake": fake}


def custom_sample(nets, n, steps, generator_, device):
    """The unrolled sampler at steps outer steps, innerSteps head jumps each (current trunk and head)."""
    e = torch.randn(n, DIM, generator=generator_, device=device)
    fresh = lambda m: torch.randn(m, DIM, generator=generator_, device=device)
    return unrolled_sample(nets["trunk"], nets["head"], e, steps, P["innerSteps"], fresh)
`,
};
