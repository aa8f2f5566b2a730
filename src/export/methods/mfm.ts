import type { MethodExporter } from './exporter.ts';
import { ADAPTIVE_LOSS } from './meanflow.ts';

export const mfmExport: MethodExporter = {
  id: 'mfm',
  sampler: 'custom',
  condDim: { net: '1 + DIM' },
  losses: { 'student.net': 'mfm_loss' },
  source:
    ADAPTIVE_LOSS +
    String.raw`

GLASS_DEN_EPS = 1e-6  # the clamp of the GLASS denominator (the official code's)


def glass_velocity(teacher, I, a, xt, t):
    """GLASS (2509.25170): the velocity of the posterior path I_a = (1 - a) x_0 + a e' given x_t at time t.
    x_t and I_a are two Gaussian observations of x_0, combined into one y at the effective time tau, so
    E[x_0 | x_t, I_a] = y - tau u_T(y, tau) and b = c_I I_a - c_x x_t + (t / q) u_T(y, tau)."""
    omt, oma = 1 - t, 1 - a
    a2, t2 = a * a, t * t
    den = torch.clamp(omt * omt * a2 + oma * oma * t2, min=GLASS_DEN_EPS)
    r = den.sqrt()
    q = t * a + r
    rq = r * q
    tau = t * a / q
    y = (omt * a2 * xt + oma * t2 * I) / rq
    c_I = (r * t + omt * omt * a - oma * t2) / rq
    c_x = omt * a / rq
    return c_I * I - c_x * xt + (t / q) * teacher(y, tau)


def mfm_batch(x0, rand, B):
    """The conditioning of a step: t = 1 - U^condPower (t = 1, pure noise, on a condNoiseShare of the rows),
    x_t = (1 - t) x_0 + t e, c = (t, x_t)."""
    u = rand.uniform(B, 1)
    coin = rand.uniform(B, 1)
    powered = u if P["condPower"] == 1 else torch.exp(torch.log(u) * P["condPower"])
    t = torch.where(coin > P["condNoiseShare"], 1 - powered, torch.ones_like(u))
    xt = interpolate(x0, rand.normal(*x0.shape), t)
    return t, xt, torch.cat([t, xt], 1)


def mfm_loss(nets, x, rand, B, teacher):
    """Meta Flow Maps (2601.14430) with GLASS targets: a flow map F(x, a, b; t, x_t) over the auxiliary time
    carrying noise to p(x_0 | x_t). Diagonal: w || F(I_a, a, a; c) - sg(b_GLASS) ||^2; off-diagonal on a >= b:
    eulerian w || F(I_a, a, b; c) - sg(b_a + (b - a) dF) ||^2 (dF the JVP along (b_a, 1, 0)), lagrangian
    || d/db X_ab - sg(F(X_ab, b, b)) ||^2 or semigroup || F_ab - sg(g F_aw + (1 - g) F_wb(X_aw)) ||^2;
    w = 1 / sg(l + c)^p, the adaptive weight."""
    if teacher is None:
        raise SystemExit("mfm needs a teacher velocity: train one first or load teacher.* with --init")
    net = nets["net"]
    t, xt, c = mfm_batch(x, rand, B)
    glass = lambda I, a: glass_velocity(teacher, I, a, xt, t).detach()
    F = lambda y, a, b: net(y, a, b, c)

    ad = rand.uniform(B, 1)
    Id = interpolate(x, rand.normal(*x.shape), ad)
    diagonal = adaptive_loss(sum_squares(F(Id, ad, ad) - glass(Id, ad)), P["diagonalP"], P["adaptiveC"])

    u1, u2 = rand.uniform(B, 1), rand.uniform(B, 1)
    a, b = torch.maximum(u1, u2), torch.minimum(u1, u2)
    I = interpolate(x, rand.normal(*x.shape), a)
    if P["consistency"] == "eulerian":
        ba = glass(I, a) if P["tangentVelocity"] == "glass" else F(I, a, a).detach()
        out, dF = jvp(F, (I, a, b), (ba, torch.ones_like(a), torch.zeros_like(b)))
        residual = out - (ba + (b - a) * dF).detach()
    elif P["consistency"] == "lagrangian":
        X = lambda y, s, e: flow_map(y, s, e, F(y, s, e))
        out, dXdb = jvp(X, (I, a, b), (torch.zeros_like(I), torch.zeros_like(a), torch.ones_like(b)))
        residual = dXdb - F(out, b, b).detach()
    else:
        g = rand.uniform(B, 1)
        w = a + g * (b - a)
        F_aw = F(I, a, w)
        target = g * F_aw + (1 - g) * F(flow_map(I, a, w, F_aw), w, b)
        residual = F(I, a, b) - target.detach()
    consistency = adaptive_loss(sum_squares(residual), P["offDiagonalP"], P["adaptiveC"])
    total = diagonal + consistency * P["consistencyWeight"]
    return total, {"diagonal": diagonal, "consistency": consistency}


def custom_sample(nets, n, steps, generator_, device):
    """Unconditional samples: flow-map jumps of the map at t = 1, x_t = 0 (the posterior is the prior)."""
    net = nets[SAMPLE_NETWORK]
    x = torch.randn(n, DIM, generator=generator_, device=device)
    c = torch.cat([torch.ones(n, 1, device=device), torch.zeros(n, DIM, device=device)], 1)
    grid = uniform_grid(steps)
    for i in range(steps):
        a, b = torch.full((n, 1), grid[i], device=device), torch.full((n, 1), grid[i + 1], device=device)
        x = flow_map(x, a, b, net(x, a, b, c))
    return x

`,
};
