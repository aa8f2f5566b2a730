import type { MethodExporter } from './exporter.ts';

export const flowmapExport: MethodExporter = {
  id: 'flowmap',
  sampler: 'flowMap',
  losses: { 'student.net': 'flowmap_loss' },
  source: String.raw`
def terminal_derivative(net, x, t, s):
    """F, f(x, t, s) and d/ds f = F + (s - t) dF/ds (JVP with tangent (0, 0, 1) on (x, t, s))."""
    F, dFds = jvp(net, (x, t, s), (torch.zeros_like(x), torch.zeros_like(t), torch.ones_like(s)))
    return F, flow_map(x, t, s, F), F + (s - t) * dFds


def trajectory_loss(nets, x, e, rand, B, teacher):
    """|| F(z_t, t, s) - sg(average velocity of the teacher's ODE from t to s) ||^2."""
    t, r = sorted_pair(rand, B, P["timeDist"], P["timeMean"], P["timeStd"])
    s = equal_on_fraction(t, r, P["diagonalShare"])
    z = interpolate(x, e, t)
    _, average = ode_solve_between(teacher, z, t, s, P["teacherSteps"], P["teacherSolver"])
    distill = sum_squares(nets["net"](z, t, s) - average.detach()).mean()
    return {"distill": distill}


def lagrangian_loss(nets, x, e, rand, B, teacher):
    """|| d/ds f(z_t, t, s) - sg(u(f, s)) ||^2 plus a diagonal term at an independent time; u is the
    teacher (LMD) or the student's own diagonal F(f, s, s) (LSD, with FM on data on the diagonal)."""
    net = nets["net"]
    t, s = sorted_pair(rand, B, P["timeDist"], P["timeMean"], P["timeStd"])
    _, f, dfds = terminal_derivative(net, interpolate(x, e, t), t, s)
    own = P["variant"] == "lagrangianSelf"
    velocity = (lambda y, time: net(y, time, time)) if own else teacher
    lagrangian = sum_squares(dfds - velocity(f, s).detach()).mean()
    td = sample_times(rand, B, P["timeDist"], P["timeMean"], P["timeStd"])
    zd = interpolate(x, e, td)
    target = (e - x) if own else teacher(zd, td).detach()
    diagonal = sum_squares(net(zd, td, td) - target).mean()
    return {"lagrangian": lagrangian, "diagonal": diagonal * P["diagonalWeight"]}


def flowmap_loss(nets, x, rand, B, teacher):
    """Flow-map distillation (2406.07507, 2505.18825): the trajectory or the Lagrangian objective."""
    if P["variant"] != "lagrangianSelf" and teacher is None:
        raise SystemExit("flowmap needs a teacher velocity: train one first or load teacher.* with --init")
    e = rand.normal(*x.shape)
    terms = (trajectory_loss if P["variant"] == "trajectory" else lagrangian_loss)(nets, x, e, rand, B, teacher)
    total = sum(terms.values())
    return total, {"flowmap": total, **terms}
`,
};
