import { DISTRIBUTION_MATCHING } from './distributionMatching.ts';
import type { MethodExporter } from './exporter.ts';

export const dmdExport: MethodExporter = {
  id: 'dmd',
  sampler: 'custom',
  defaultNfe: 'P["steps"]',
  losses: { 'student.net': 'dmd_loss', 'student.fake': 'fake_loss' },
  source:
    DISTRIBUTION_MATCHING +
    String.raw`

def generator(net, x, t):
    """G(x, t) = f(x, t, 0) = x - t F(x, t, 0): one jump to data."""
    n = x.shape[0]
    return flow_map(x, column(n, t, x), column(n, 0, x), net(x, column(n, t, x), column(n, 0, x)))


def step_rows(B, steps):
    """Rows of the batch per student step: equal parts, the last takes the remainder."""
    k = min(steps, B)
    each = B // k
    return [B - each * (k - 1) if i == k - 1 else each for i in range(k)]


def generator_batch(net, rand, B, steps):
    """(G's outputs [B, D], the prior noise of part 0, its outputs). Part k starts from fresh noise at t = 1,
    runs k student steps WITHOUT gradient (x0 = G(x, t_j), then x = (1 - t_{j+1}) x0 + t_{j+1} n with FRESH n:
    DMD2's backward simulation), and ends with one jump G(x, t_k) to 0 that carries the gradient."""
    grid = uniform_grid(steps)
    outs, prior, prior_out = [], None, None
    for k, n in enumerate(step_rows(B, steps)):
        x = rand.normal(n, DIM)
        if k == 0:
            prior = x
        for j in range(k):
            x = interpolate(generator(net, x, grid[j]).detach(), rand.normal(n, DIM), column(n, grid[j + 1], x))
        out = generator(net, x, grid[k])
        if k == 0:
            prior_out = out
        outs.append(out)
    return torch.cat(outs, 0), prior, prior_out


def dmd_loss(nets, x, rand, B, teacher):
    """DMD2 (2405.14867): mean 0.5 || G - sg(G - grad) ||^2 at x_r = (1 - r) G + r n; variant vsd (2305.16213):
    the eps-space gradient; variant dmd (2311.18828): plus lambda || G(e) - sg(ODE_T(e, 1 -> 0)) ||^2 on the
    same prior noise e (the paired-noise regression, Heun steps of the teacher)."""
    if teacher is None:
        raise SystemExit("dmd needs a teacher velocity: train one first or load teacher.* with --init")
    x0, prior, prior_out = generator_batch(nets["net"], rand, B, P["steps"])
    r = matching_times(rand, B, P["timeShift"])
    noise = rand.normal(B, DIM)
    form = "vsd" if P["variant"] == "vsd" else "dmd2"
    dm = generator_matching(form, teacher, nets["fake"], x0, noise, r).mean()
    if P["variant"] != "dmd":
        return dm, {P["variant"]: dm, "dm": dm}
    n = prior.shape[0]
    end, _ = ode_solve_between(teacher, prior, column(n, 1, prior), column(n, 0, prior), P["teacherSteps"], "heun")
    regression = sum_squares(prior_out - end.detach()).mean() * P["regressionWeight"]
    total = dm + regression
    return total, {"dmd": total, "dm": dm, "regression": regression}


def fake_loss(nets, x, rand, B, teacher):
    """The fake network's FM on the generator's detached samples (uniform r in [0.02, 0.98], no shift)."""
    with torch.no_grad():  # sg(G(e)): no gradient reaches the generator
        x0, _, _ = generator_batch(nets["net"], rand, B, P["steps"])
    r = matching_times(rand, B)
    fake = fake_flow_matching(nets["fake"], x0, rand.normal(B, DIM), r)
    return fake, {"fake": fake}


def custom_sample(nets, n, steps, generator_, device):
    """DMD2's multi-step sampler: x0 = G(x, t_i), re-noised to t_{i+1} with fresh noise; one step is G(e, 1)."""
    net = nets[SAMPLE_NETWORK]
    x = torch.randn(n, DIM, generator=generator_, device=device)
    grid = uniform_grid(steps)
    for i in range(steps):
        x0 = generator(net, x, grid[i])
        last = i == steps - 1
        x = x0 if last else interpolate(x0, torch.randn(n, DIM, generator=generator_, device=device), column(n, grid[i + 1], x0))
    return x
`,
};
