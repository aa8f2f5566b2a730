/** Python: the lab's toy datasets as torch samplers (same distributions), and the hook for one's own data. */
export const DATA = String.raw`
# ----------------------------------------------------------------------------------------------
# Data. The toy datasets of the lab (the same distributions, drawn by torch: not the same numbers),
# and YOUR data: replace data_batches() or pass --data FOLDER of .npy files.
# ----------------------------------------------------------------------------------------------
def _normals(ua, ub):
    r = torch.sqrt(-2 * torch.log(ua))
    return r * torch.cos(2 * math.pi * ub), r * torch.sin(2 * math.pi * ub)


def choose_of(u, k):
    """The lab's choice of one of k from a uniform (on its 23-bit grid): an integer tensor in 0..k-1."""
    return torch.floor(torch.floor(u * 8388608) * k / 8388608).long()


# The class of a toy sample under each labelling, from the sample's four uniforms (as in the lab).
LABELLINGS = {
    ("8gaussians", "modes"): lambda u: choose_of(u[:, 0], 8),
    ("8gaussians", "groups"): lambda u: choose_of(u[:, 0], 8) % 2,
    ("checkerboard", "squares"): lambda u: 2 * choose_of(u[:, 0], 4) + choose_of(u[:, 2], 2),
    ("checkerboard", "colours"): lambda u: choose_of(u[:, 0], 4) % 2,
    ("moons", "moons"): lambda u: choose_of(u[:, 0], 2),
    ("spirals", "arms"): lambda u: choose_of(u[:, 0], 2),
    ("rings", "rings"): lambda u: choose_of(u[:, 0], 4),
    ("pinwheel", "arms"): lambda u: choose_of(u[:, 0], 5),
}


def toy_samples(name, n, generator, device, labelled=False):
    """n samples [n, 2] of a lab dataset; each is a function of four uniforms, as in the lab. labelled:
    (samples, their classes [n] under CONDITION's labelling)."""
    u = torch.rand(n, 4, generator=generator, device=device).clamp_min(1e-12)
    if labelled:
        if (name, CONDITION["labels"]) not in LABELLINGS:
            raise SystemExit(f"dataset {name} has no labelling {CONDITION['labels']}")
        return toy_samples_of(name, u), LABELLINGS[(name, CONDITION["labels"])](u)
    return toy_samples_of(name, u)


def toy_samples_of(name, u):
    u0, u1, u2, u3 = u.unbind(1)
    if name == "8gaussians":
        a = 2 * math.pi * torch.floor(u0 * 8) / 8
        n1, n2 = _normals(u1, u2)
        R, s = 2 * math.sqrt(2), 0.5 / math.sqrt(2)
        x, y = R * torch.cos(a) + s * n1, R * torch.sin(a) + s * n2
    elif name == "checkerboard":
        column, upper = torch.floor(4 * u0), torch.floor(2 * u2)
        x, y = 2 * (4 * u0 - 2), 2 * (u1 - 2 * upper + torch.remainder(column, 2))
    elif name == "moons":
        lower, a = torch.floor(2 * u0), math.pi * u1
        n1, n2 = _normals(u2, u3)
        px = torch.where(lower > 0, 1 - torch.cos(a), torch.cos(a))
        py = torch.where(lower > 0, 0.5 - torch.sin(a), torch.sin(a))
        x, y = 2 * (px - 0.5 + 0.1 * n1), 2 * (py - 0.25 + 0.1 * n2)
    elif name == "spirals":
        arm = torch.floor(2 * u0)
        theta = 3 * math.pi * torch.sqrt(2 * u0 - arm)
        sign = 1 - 2 * arm
        n1, n2 = _normals(u2, u3)
        x, y = sign * -theta * torch.cos(theta) / 3 + 0.1 * n1, sign * theta * torch.sin(theta) / 3 + 0.1 * n2
    elif name == "rings":
        r = 0.9 * (torch.floor(4 * u0) + 1)
        a = 2 * math.pi * u1
        n1, n2 = _normals(u2, u3)
        x, y = r * torch.cos(a) + 0.08 * n1, r * torch.sin(a) + 0.08 * n2
    elif name == "swissroll":
        theta = 1.5 * math.pi * (1 + 2 * u1)
        n1, n2 = _normals(u2, u3)
        x = theta * torch.cos(theta) / 4 - 0.5 + 0.1 * n1
        y = theta * torch.sin(theta) / 4 - 1 / (6 * math.pi) + 0.1 * n2
    elif name == "pinwheel":
        k = torch.floor(5 * u0)
        n1, n2 = _normals(u1, u2)
        f0, f1 = 1 + 0.3 * n1, 0.1 * n2
        a = 2 * math.pi * k / 5 + 0.25 * torch.exp(f0)
        x, y = 2 * (torch.cos(a) * f0 - torch.sin(a) * f1), 2 * (torch.sin(a) * f0 + torch.cos(a) * f1)
    elif name == "gmm3":
        m = 3.0 * (choose_of(u0, 3) - 1)
        n1, n2 = _normals(u1, u2)
        x, y = m + math.sqrt(0.5) * n1, m + math.sqrt(0.5) * n2
    elif name == "points":
        xy = torch.tensor(CONFIG["points"]["xy"], dtype=u.dtype, device=u.device).reshape(-1, 2)
        k = choose_of(u0, xy.shape[0])
        n1, n2 = _normals(u1, u2)
        jitter = CONFIG["points"]["jitter"]
        x, y = xy[k, 0] + jitter * n1, xy[k, 1] + jitter * n2
    else:
        raise SystemExit(f"unknown toy dataset {name}")
    return torch.stack([x, y], 1)


def npy_folder_batches(folder, batch, generator, device, rank, world):
    """YOUR data, example: every .npy file in folder holds samples [N, ...] of any shape per sample
    (vectors [N, D], images [N, C, H, W], ...). Samples are flattened to vectors [B, D]: the objectives
    work on any D (reshape inside your network). Each epoch is shuffled by a generator that every
    process seeds alike, and process rank r takes every world-th index (DistributedSampler's split)."""
    import numpy as np

    files = sorted(glob.glob(os.path.join(folder, "*.npy")))
    if not files:
        raise SystemExit(f"--data {folder}: no .npy files there")
    data = torch.cat([torch.from_numpy(np.load(f)).float().flatten(1) for f in files], 0)
    order = torch.Generator().manual_seed(CONFIG["seed"])
    while True:
        perm = torch.randperm(data.shape[0], generator=order)[rank::world]
        for i in range(0, perm.shape[0] - batch + 1, batch):
            yield data[perm[i : i + batch]].to(device)


def data_batches(source, batch, generator, device, rank, world):
    """Batches (x [B, D], labels) forever: a lab toy dataset by name, or a folder of .npy files (yours).
    labels: None for an unconditional run, else one-hot classes [B, CLASSES] (your data_batches must give
    them for a class-conditional run; the null class is the zero row)."""
    if os.path.isdir(source):
        if CLASSES:
            raise SystemExit("a class-conditional run needs labels: make data_batches yield (x, one-hot labels)")
        for x in npy_folder_batches(source, batch, generator, device, rank, world):
            yield x, None
    while True:
        if CLASSES:
            x, c = toy_samples(source, batch, generator, device, labelled=True)
            yield x, torch.nn.functional.one_hot(c, CLASSES).to(x.dtype)
        else:
            yield toy_samples(source, batch, generator, device), None


def prior_labels(batch, generator, device):
    """One-hot classes [B, CLASSES] from the data's class prior, for a data-free stage of a labelled run."""
    _, c = toy_samples(CONFIG["dataset"], batch, generator, device, labelled=True)
    return torch.nn.functional.one_hot(c, CLASSES).float()
`;
