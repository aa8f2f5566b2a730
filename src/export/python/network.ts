/** Python: the flow network F(x, t, s) of docs/checkpoints.md (names, layouts, time features). */
export const NETWORK = String.raw`
# ----------------------------------------------------------------------------------------------
# The network F(x, t, s): the average velocity of the flow map f(x, t, s) = x + (s - t) F(x, t, s)
# (t = 0 data, t = 1 noise; F(x, t, t) is the instantaneous velocity). Fed (x, t, h = t - s).
# Parameter names and layouts are a lab checkpoint's: layers.i.weight [out, in], layers.i.bias.
# For images, replace this class with your own network of the same signature F(x, t, s), x [B, D]
# (reshape to [B, C, H, W] inside it), t and s [B, 1].
# ----------------------------------------------------------------------------------------------
ACTIVATIONS = {
    "silu": nn.SiLU,
    "gelu": lambda: nn.GELU(approximate="tanh"),
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
}


class FlowNet(nn.Module):
    """F(x, t, s, *cond): conditioning inputs (a class one-hot, the head's [m, x_t, t], Meta Flow Maps'
    (t, x_t)) are appended after the time features, cond_dim columns in all."""

    def __init__(self, dim, width, depth, act, time_features, fourier_freqs=4, cond_dim=0):
        super().__init__()
        self.time_features = time_features
        self.freqs = [math.pi * 2**k for k in range(fourier_freqs)]
        time_dim = 2 if time_features == "raw" else 4 * fourier_freqs
        dims = [dim + time_dim + cond_dim] + [width] * depth + [dim]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.act = ACTIVATIONS[act]()

    def features(self, x, t, s):
        h = t - s
        if self.time_features == "raw":
            return torch.cat([x, t, h], 1)
        four = lambda u: [torch.sin(w * u) for w in self.freqs] + [torch.cos(w * u) for w in self.freqs]
        return torch.cat([x] + four(t) + four(h), 1)

    def forward(self, x, t, s, *cond):
        y = self.features(x, t, s)
        if cond:
            y = torch.cat([y, *cond], 1)
        for i, layer in enumerate(self.layers):
            y = layer(y)
            if i < len(self.layers) - 1:
                y = self.act(y)
        return y


def make_network(dim, name):
    """The network called name in NETWORKS: the config's MLP (a declared depth overrides), with its conditioning width."""
    net, decl = CONFIG["net"], NETWORKS[name]
    cond_dim = eval(decl["cond_dim"], {"DIM": dim, "CLASSES": CLASSES})
    return FlowNet(dim, net["width"], decl["depth"] or net["depth"], net["act"], net["time"], cond_dim=cond_dim)
`;
