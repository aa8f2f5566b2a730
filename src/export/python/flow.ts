/** Python: the linear path, per-sample errors, the time samplers, and the teacher velocity. */
export const FLOW = String.raw`
# ----------------------------------------------------------------------------------------------
# The linear path and its calculus: z_t = (1 - t) x + t e, v = e - x, f(x, t, s) = x + (s - t) F.
# ----------------------------------------------------------------------------------------------
def interpolate(x, e, t):
    return x + t * (e - x)


def flow_map(x, t, s, F):
    return x + (s - t) * F


def sum_squares(a):
    """Per-sample squared error summed over the data dimensions: [B, D] -> [B]."""
    return a.pow(2).sum(1)


def mean_squares(a):
    """Per-sample squared error averaged over the data dimensions: [B, D] -> [B]."""
    return a.pow(2).mean(1)


def column(n, value, like):
    """A time column [n, 1] holding one value (dtype and device of like)."""
    return torch.full((n, 1), float(value), dtype=like.dtype, device=like.device)


def uniform_grid(steps):
    """1 = t_0 > t_1 > ... > t_steps = 0."""
    return [1 - i / steps for i in range(steps + 1)]


def js_round(v):
    """Math.round of the lab (halves round up), so batch splits match it exactly."""
    return int(math.floor(v + 0.5))


# ----------------------------------------------------------------------------------------------
# Time samplers (columns [B, 1]) on the draws of a Randomness, in the lab's draw order.
# ----------------------------------------------------------------------------------------------
def uniform_times(rand, n):
    return rand.uniform(n, 1)


def logit_normal_times(rand, n, mean, std):
    """t = sigmoid(mean + std n), n ~ N(0, 1) (SD3, MeanFlow, TVM)."""
    return torch.sigmoid(rand.normal(n, 1) * std + mean)


def sample_times(rand, n, dist, mean, std):
    return uniform_times(rand, n) if dist == "uniform" else logit_normal_times(rand, n, mean, std)


def sorted_pair(rand, n, dist, mean, std):
    """Two independent draws sorted so that t >= r."""
    a = sample_times(rand, n, dist, mean, std)
    b = sample_times(rand, n, dist, mean, std)
    return torch.maximum(a, b), torch.minimum(a, b)


def equal_on_fraction(t, r, fraction):
    """r := t on the first round(fraction B) rows (a fixed share of the batch, by index)."""
    k = js_round(fraction * t.shape[0])
    if k <= 0:
        return r
    if k >= t.shape[0]:
        return t
    return torch.cat([t[:k], r[k:]], 0)


class Randomness:
    """The random numbers of one loss, in draw order: random.0, random.1, ... (docs/checking.md).

    Training draws them from this process's generator; --loss-check reads them from a batch file, so
    the loss functions below are the same code in both cases."""

    def __init__(self, generator=None, device="cpu", dtype=torch.float32, given=None, prefix=""):
        self.generator, self.device, self.dtype, self.given, self.k = generator, device, dtype, given, 0
        self.prefix = prefix  # a further optimiser group's draws are <group>.random.k in a batch file

    def _draw(self, shape, dist):
        name = f"{self.prefix}random.{self.k}"
        self.k += 1
        if self.given is None:
            draw = torch.randn if dist == "normal" else torch.rand
            return draw(shape, generator=self.generator, device=self.device, dtype=self.dtype)
        if name not in self.given:
            raise SystemExit(f"the batch file lacks {name} {list(shape)} ({dist}): see docs/checking.md")
        t = self.given[name]
        if list(t.shape) != list(shape):
            raise SystemExit(f"{name} is {list(t.shape)} in the batch file, the loss draws {list(shape)}")
        return t

    def normal(self, *shape):
        return self._draw(shape, "normal")

    def uniform(self, *shape):
        return self._draw(shape, "uniform")
`;

/** Python: the teacher velocity u_T(x, t) (a trained FM network's diagonal, or the exact mixture field) and its ODE. */
export const TEACHER = String.raw`
# ----------------------------------------------------------------------------------------------
# The teacher velocity u_T(x, t): a Flow Matching network's diagonal F_T(x, t, t), or the exact
# velocity of the linear path for Gaussian-mixture data (the lab's "analytic teacher": 8gaussians, gmm3).
# ----------------------------------------------------------------------------------------------
def gaussian_mixture_velocity(means, stds, weights):
    """u(z, t) = sum_k pi_k(z, t) [-mu_k + (t - a s_k^2) / V_k (z - a mu_k)], a = 1 - t, V_k = a^2 s_k^2 + t^2."""
    def u(z, t):
        mu = torch.tensor(means, dtype=z.dtype, device=z.device)  # [K, D]
        s2 = torch.tensor(stds, dtype=z.dtype, device=z.device).pow(2)  # [K]
        logw = torch.tensor(weights, dtype=z.dtype, device=z.device).log()
        a = 1 - t  # [B, 1]
        V = a.pow(2) * s2 + t.pow(2)  # [B, K]
        diff = z[:, None, :] - a[:, :, None] * mu[None]  # z - a mu_k: [B, K, D]
        logits = logw - (2 * math.pi * V).log() - diff.pow(2).sum(2) / (2 * V)
        pi = torch.softmax(logits, 1)
        c = (t - a * s2) / V
        return (pi[:, :, None] * (c[:, :, None] * diff - mu[None])).sum(1)
    return u


def mixture_velocity(components=None):
    """The exact velocity of the dataset's mixture (MIXTURE), or of the mixture of some of its components
    (one class), their weights renormalised."""
    if MIXTURE is None:
        raise SystemExit(f"the analytic teacher exists only for Gaussian-mixture data; {CONFIG['dataset']} has none: train a teacher")
    k = list(range(len(MIXTURE["means"]))) if components is None else list(components)
    w = [MIXTURE["weights"][i] for i in k]
    return gaussian_mixture_velocity([MIXTURE["means"][i] for i in k], [MIXTURE["stds"][i] for i in k], [v / sum(w) for v in w])


def class_conditional_velocity():
    """u(z, t | c) = sum_k c_k u_k(z, t) + (1 - sum_k c_k) u(z, t) with u_k the velocity of class k's
    components (CLASS_OF_COMPONENT: 8gaussians' modes, or groups of mode index mod 2); c = 0 is u."""
    if CLASS_OF_COMPONENT is None:
        raise SystemExit(f"the analytic teacher has no class-conditional field for labelling {CONDITION['labels']}: train a teacher")
    of = CLASS_OF_COMPONENT
    per_class = [mixture_velocity([i for i in range(len(of)) if of[i] == c]) for c in range(CLASSES)]
    marginal = mixture_velocity()

    def u(z, t, c):
        out = marginal(z, t) * (1 - c.sum(1, keepdim=True))
        for j, uj in enumerate(per_class):
            out = out + uj(z, t) * c[:, j : j + 1]
        return out
    return u


def guide(cond, uncond, w):
    """Classifier-free guidance u_w = u_uncond + w (u_cond - u_uncond); w = 1 is the conditional field alone."""
    if w == 1:
        return cond
    u0 = uncond()
    return u0 + w * (cond - u0)


def teacher_velocity(kind, nets, label=None):
    """u_T(x, t); with class labels [B, K] the guided u_w(x, t | c) at the config's scale w (condition.cfg),
    the null class c = 0 for the unconditional branch."""
    if kind == "none":
        return None
    if kind == "analytic" and label is None:
        return mixture_velocity()
    if kind == "network" and label is None:
        teacher = nets["teacher"]
        return lambda x, t: teacher(x, t, t)
    w = CONDITION["cfg"]
    if kind == "analytic":
        cond, marginal = class_conditional_velocity(), mixture_velocity()
        return lambda x, t: guide(cond(x, t, label[: x.shape[0]]), lambda: marginal(x, t), w)
    teacher = nets["teacher"]
    c = lambda x: label[: x.shape[0]]
    return lambda x, t: guide(teacher(x, t, t, c(x)), lambda: teacher(x, t, t, torch.zeros_like(c(x))), w)


def ode_solve_between(u, x, t, s, steps, solver):
    """Integrates dx/dt = u(x, t) from per-sample times t to s in equal steps: (end, average velocity).

    The average velocity is the mean of the step slopes (no division by a small gap s - t)."""
    h = (s - t) * (1 / steps)
    at = lambda k: t if k == 0 else t + h * k
    cur, slopes = x, None
    for i in range(steps):
        k1 = u(cur, at(i))
        if solver == "euler":
            slope = k1
        elif solver == "midpoint":
            slope = u(cur + (h * 0.5) * k1, at(i + 0.5))
        else:  # heun
            slope = (k1 + u(cur + h * k1, at(i + 1))) * 0.5
        cur = cur + h * slope
        slopes = slope if slopes is None else slopes + slope
    return cur, slopes * (1 / steps)
`;

/** Python: Flow Matching, used by the FM method and by every distillation method's teacher stage. */
export const FLOW_MATCHING = String.raw`
# ----------------------------------------------------------------------------------------------
# Flow Matching (Lipman et al. 2210.02747): E || u(z_t, t) - (e - x) ||^2 with u(x, t) = F(x, t, t).
# ----------------------------------------------------------------------------------------------
def flow_matching_loss(net, x, rand, dist, mean, std):
    e = rand.normal(*x.shape)
    t = sample_times(rand, x.shape[0], dist, mean, std)
    z = interpolate(x, e, t)
    return sum_squares(net(z, t, t) - (e - x)).mean()


def teacher_loss(nets, x, rand, B, teacher):
    """The teacher stage of a distillation method: FM of F_T with uniform t (the lab's toy recipe)."""
    fm = flow_matching_loss(nets["teacher"], x, rand, "uniform", 0.0, 1.0)
    return fm, {"fm": fm}
`;
