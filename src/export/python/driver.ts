/** Python: networks and their copies, checkpoints, the training loop (single process or torchrun DDP), --loss-check. */
export const DRIVER = String.raw`
# ----------------------------------------------------------------------------------------------
# Networks of the method, their copies at the start of a stage, checkpoints in the lab's layout.
# ----------------------------------------------------------------------------------------------
def build_networks(dim, device, dtype):
    torch.manual_seed(CONFIG["seed"])  # every process builds the same initial networks
    nets = {name: make_network(dim, name).to(device=device, dtype=dtype) for name in NETWORKS}
    ema = {}
    if CONFIG["train"]["ema"] > 0:
        ema[SAMPLE_NETWORK] = make_network(dim, SAMPLE_NETWORK).to(device=device, dtype=dtype).requires_grad_(False)
        ema[SAMPLE_NETWORK].load_state_dict(nets[SAMPLE_NETWORK].state_dict())
    return nets, ema


def load_init(path, nets, ema):
    """Loads a lab checkpoint's networks (net.*, teacher.*, ema.net.*, ...); returns the names loaded."""
    tensors, metadata = load_safetensors(path)
    if "config" in metadata and json.loads(metadata["config"]).get("method") != METHOD:
        print(f"note: {path} was written for method {json.loads(metadata['config'])['method']}", file=sys.stderr)
    loaded = set()
    for group, prefix in [(ema, "ema."), (nets, "")]:
        for name, net in group.items():
            own = {k[len(prefix + name) + 1 :]: v for k, v in tensors.items() if k.startswith(f"{prefix}{name}.")}
            if not own:
                continue
            want = net.state_dict()
            bad = [k for k in want if k not in own or list(own[k].shape) != list(want[k].shape)]
            if bad:
                raise SystemExit(f"{path}: {prefix}{name}.{bad[0]} is missing or mis-shaped; use the checkpoint's own config")
            net.load_state_dict({k: own[k].to(want[k].dtype) for k in want})
            loaded.add(prefix + name)
    return loaded


def start_of_stage(stage, nets, ema, used_before, loaded):
    """Networks first used in this stage (trained, or read frozen: TMD's trunk in the head's pretraining)
    start as copies of their source (copyOf, EMA networks)."""
    used = [n for g in stage["groups"] for n in g["trains"]] + stage["reads"]
    first = [n for n in dict.fromkeys(used) if n not in used_before and n not in loaded]
    with torch.no_grad():
        for n in first:
            if NETWORKS[n]["init"] != "fresh":
                nets[n].load_state_dict(nets[NETWORKS[n]["init"]].state_dict())
        for n, decl in NETWORKS.items():
            if decl["ema_of"] in first and n not in loaded:
                nets[n].load_state_dict(nets[decl["ema_of"]].state_dict())
        if SAMPLE_NETWORK in first and SAMPLE_NETWORK in ema and f"ema.{SAMPLE_NETWORK}" not in loaded:
            ema[SAMPLE_NETWORK].load_state_dict(nets[SAMPLE_NETWORK].state_dict())


def ema_update(ema_net, net, decay):
    """p_ema <- decay p_ema + (1 - decay) p."""
    with torch.no_grad():
        for pe, p in zip(ema_net.parameters(), net.parameters()):
            pe.mul_(decay).add_(p.detach(), alpha=1 - decay)


def cosine_decay(opt, horizon):
    """lr (1 + cos(pi min(k, T) / T)) / 2 after k updates: CosineAnnealingLR(T_max=T, eta_min=0), held at its end."""
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda k: (1 + math.cos(math.pi * min(k, horizon) / horizon)) / 2)


def save_checkpoint(path, nets, ema, step, stage, extra=None):
    tensors = {f"{name}.{k}": v.float() for name, net in nets.items() for k, v in net.state_dict().items()}
    tensors.update({f"ema.{name}.{k}": v.float() for name, net in ema.items() for k, v in net.state_dict().items()})
    meta = {"format": "pt", "flowmap_lab": "1", "config": json.dumps(CONFIG), "step": str(step), "stage": stage}
    meta.update(extra or {})
    save_safetensors(tensors, path, meta)


def labelled(nets, label):
    """The networks as a loss sees them: in a class-conditional run every flow network is F(x, t, s; c)
    with c the label rows matching x (rows 0..n-1 for a call on n rows); conditional networks (TMD's head,
    Meta Flow Maps) take their own conditioning."""
    if label is None:
        return nets
    bind = lambda net: lambda x, t, s: net(x, t, s, label[: x.shape[0]])
    return {n: bind(net) if NETWORKS[n]["cond_dim"] == "CLASSES" else net for n, net in nets.items()}


def drop_labels(label, uniforms):
    """Label dropout: each row replaced by the null class (zeros) where its uniform is <= condition.dropout."""
    return label * (uniforms > CONDITION["dropout"]).to(label.dtype)


class Objective(nn.Module):
    """One optimiser group's loss as a module: DistributedDataParallel wraps exactly the networks the
    group trains (registered here); the networks it only reads stay outside."""

    def __init__(self, loss, nets, trains):
        super().__init__()
        self.trained = nn.ModuleDict({n: nets[n] for n in trains})
        self.loss, self.nets = loss, nets

    def forward(self, x, rand, B, teacher, label=None):
        return self.loss(labelled(self.nets, label), x, rand, B, teacher)


# ----------------------------------------------------------------------------------------------
# Training: the stages in order, each optimiser group with its own AdamW. One process on CPU or a
# GPU, or several with torchrun (DDP: gradients averaged over processes, each process with its own
# random stream and data shard, rank 0 logs and writes checkpoints).
# ----------------------------------------------------------------------------------------------
def train(args):
    global DIM
    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    device = torch.device(args.device)
    if distributed:
        dist.init_process_group(args.backend or ("nccl" if device.type == "cuda" else "gloo"))
        if device.type == "cuda":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
            torch.cuda.set_device(device)
    rank, world = (dist.get_rank(), dist.get_world_size()) if distributed else (0, 1)
    generator = torch.Generator(device=device)
    generator.manual_seed(args.seed * 65536 + rank)  # a random stream per process
    batches = data_batches(args.data, args.batch, generator, device, rank, world) if USES_DATA else None
    if batches is not None:
        first = next(batches)
        DIM = first[0].shape[1]
        batches = _chain(first, batches)
    nets, ema = build_networks(DIM, device, torch.float32)
    loaded = load_init(args.init, nets, ema) if args.init else set()
    amp = {"off": None, "bf16": torch.bfloat16, "fp16": torch.float16}[args.amp]
    scaler = torch.cuda.amp.GradScaler(enabled=args.amp == "fp16")
    os.makedirs(args.out, exist_ok=True)
    used_before, step_total = set(), 0
    stages = [s for s in STAGES if not (s["trains_teacher"] and "teacher" in loaded)]
    for i, stage in enumerate(stages):
        last = i == len(stages) - 1
        steps = (args.steps if last else args.teacher_steps) or stage["steps"]
        start_of_stage(stage, nets, ema, used_before, loaded)
        # the config's teacher: a trained network (its stage skipped when --init brings teacher.*) or the
        # analytic mixture velocity (kept even when a checkpoint carries an untrained teacher.*)
        teacher = teacher_velocity(stage["teacher"], nets)
        trains = {n for g in stage["groups"] for n in g["trains"]}
        for n, net in nets.items():
            net.requires_grad_(n in trains)
        groups = []
        for g in stage["groups"]:
            objective = Objective(globals()[g["loss"]], nets, g["trains"])
            module = nn.parallel.DistributedDataParallel(objective) if distributed else objective
            params = [p for n in g["trains"] for p in nets[n].parameters()]
            opt = torch.optim.AdamW(params, lr=args.lr or g["lr"], betas=(g["beta1"], g["beta2"]),
                                    eps=g["eps"], weight_decay=g["weightDecay"])
            # train.schedule 'cosine': the lab's decay over this run's updates of the group, held at 0 past them
            sched = cosine_decay(opt, steps * g["updates"]) if CONFIG["train"]["schedule"] == "cosine" else None
            groups.append((g, module, params, opt, sched))
        sums, count, t0 = {}, 0, time.time()
        for step in range(1, steps + 1):
            x, label = next(batches) if stage["uses_data"] else (None, None)
            if CLASSES and not stage["uses_data"]:
                label = prior_labels(args.batch, generator, device)
            if label is not None:  # the teacher sees the batch's classes, guided (condition.cfg)
                teacher = teacher_velocity(stage["teacher"], nets, label)
            for g, module, params, opt, sched in groups:
                for _ in range(g["updates"]):
                    seen = label
                    if label is not None and g["label_dropout"] and CONDITION["dropout"] > 0:
                        seen = drop_labels(label, torch.rand(label.shape[0], 1, generator=generator, device=device))
                    with torch.autocast(device.type, dtype=amp or torch.bfloat16, enabled=amp is not None):
                        total, terms = module(x, Randomness(generator, device), args.batch, teacher, seen)
                    opt.zero_grad(set_to_none=True)
                    scaler.scale(total).backward()
                    if g["clipNorm"] > 0:
                        scaler.unscale_(opt)
                        torch.nn.utils.clip_grad_norm_(params, g["clipNorm"])
                    scaler.step(opt)
                    scaler.update()
                    if sched is not None:
                        sched.step()
                    for n, decl in NETWORKS.items():
                        if decl["ema_of"] in g["trains"]:
                            ema_update(nets[n], nets[decl["ema_of"]], P[decl["decay"]])
                prefix = "" if g["main"] else g["name"] + "."
                for k, v in [("loss", total)] + list(terms.items()):
                    sums[prefix + k] = sums.get(prefix + k, 0) + v.detach().float()
            if SAMPLE_NETWORK in ema and SAMPLE_NETWORK in trains:
                ema_update(ema[SAMPLE_NETWORK], nets[SAMPLE_NETWORK], CONFIG["train"]["ema"])
            count += 1
            if step % args.log_every == 0 or step == steps:
                values = torch.stack(list(sums.values())) / count
                if distributed:
                    dist.all_reduce(values)
                    values /= world
                if rank == 0:
                    shown = "  ".join(f"{k} {v:.5g}" for k, v in zip(sums, values.tolist()))
                    print(f"{stage['name']} step {step}/{steps}  {shown}  ({count / (time.time() - t0):.1f} steps/s)", flush=True)
                sums, count, t0 = {}, 0, time.time()
            if rank == 0 and args.save_every and step % args.save_every == 0:
                save_checkpoint(os.path.join(args.out, "checkpoint.safetensors"), nets, ema, step_total + step, stage["name"])
        step_total += steps
        used_before |= trains | set(stage["reads"])
    if rank == 0:
        path = os.path.join(args.out, "checkpoint.safetensors")
        save_checkpoint(path, nets, ema, step_total, stages[-1]["name"])
        print(f"wrote {path} (lab layout: flowmap-lab eval --checkpoint {path} scores a 2-D run)")
        if args.sample:
            import numpy as np

            x0 = sample(nets, ema, args.sample, args.nfe, generator, device, args.sample_class)
            np.save(os.path.join(args.out, "samples.npy"), x0.float().cpu().numpy())
            print(f"wrote {args.out}/samples.npy: {args.sample} samples at NFE {args.nfe or DEFAULT_NFE}")
    if args.rank_checkpoints:  # to check that DDP keeps the processes equal; loss: this process's last one
        path = os.path.join(args.out, f"checkpoint.rank{rank}.safetensors")
        save_checkpoint(path, nets, ema, step_total, "rank", {"loss": repr(total.item())})
    if distributed:
        dist.destroy_process_group()


def sample(nets, ema, n, nfe, generator, device, class_index=-1):
    """x_0 from noise e ~ N(0, I) at t = 1 on the grid 1 = t_0 > ... > t_K = 0: flow-map jumps
    x <- f(x, t_i, t_{i+1}), Euler steps of u(x, t) = F(x, t, t) for a velocity model, or the method's
    custom_sample (SAMPLER); the sampled network's EMA when kept. A class-conditional run samples one
    class (class_index) or every class from the data's prior (-1); a velocity model is guided at
    condition.cfg, a distilled student (trained to the guided teacher) takes its class alone."""
    steps = 1 if SAMPLER == "oneJump" else (nfe or DEFAULT_NFE)
    if SAMPLE_EMA:
        nets = {**nets, SAMPLE_NETWORK: ema.get(SAMPLE_NETWORK, nets[SAMPLE_NETWORK])}
    label = None
    if CLASSES:
        label = prior_labels(n, generator, device)
        if class_index >= 0:
            label = torch.nn.functional.one_hot(torch.full((n,), class_index, device=device), CLASSES).float()
    with torch.no_grad():
        if SAMPLER == "custom":
            return custom_sample(labelled(nets, label), n, steps, generator, device)
        net = labelled(nets, label)[SAMPLE_NETWORK]
        x = torch.randn(n, DIM, generator=generator, device=device)
        grid = [1 - i / steps for i in range(steps + 1)]
        for a, b in zip(grid[:-1], grid[1:]):
            t, s = torch.full((n, 1), a, device=device), torch.full((n, 1), b, device=device)
            if SAMPLER == "ode":
                u = net(x, t, t)
                if label is not None:
                    null = nets[SAMPLE_NETWORK](x, t, t, torch.zeros_like(label))
                    u = guide(u, lambda: null, CONDITION["cfg"])
                x = x + (b - a) * u
            else:
                x = flow_map(x, t, s, net(x, t, s))
    return x


def _chain(first, rest):
    yield first
    yield from rest


# ----------------------------------------------------------------------------------------------
# --loss-check: the last stage's losses on a batch whose randomness is given (docs/checking.md), in
# float64; prints the terms and writes loss, loss.<term> (the main group), <group>.loss, <group>.loss.<term>
# (each further group, whose draws are <group>.random.k) and grad.<network>.<parameter> for every network a
# group trains (one update of each group, from the networks as loaded), to compare with flowmap-lab loss.
# ----------------------------------------------------------------------------------------------
def loss_check(args):
    global DIM
    tensors = {k: v.double() for k, v in load_safetensors(args.loss_check)[0].items()}
    names = [s["name"] for s in STAGES]
    stage_name = getattr(args, "stage", None) or names[-1]
    if stage_name not in names:
        raise SystemExit(f"--stage {stage_name}: this experiment's stages are {', '.join(names)}")
    stage = STAGES[names.index(stage_name)]
    x = tensors["data"] if stage["uses_data"] else None
    if stage["uses_data"] and x is None:
        raise SystemExit("the batch file lacks data [B, D]: see docs/checking.md")
    DIM = x.shape[1] if x is not None else tensors["random.0"].shape[1]
    B = x.shape[0] if x is not None else loss_check_batch_size(tensors)
    label = tensors.get("label") if CLASSES else None
    if CLASSES and (label is None or list(label.shape) != [B, CLASSES]):
        raise SystemExit(f"a class-conditional loss reads label [{B}, {CLASSES}] (one-hot; zeros: the null class): see docs/checking.md")
    nets, ema = build_networks(DIM, "cpu", torch.float64)
    loaded = load_init(args.init, nets, ema) if args.init else set()
    # as flowmap-lab loss: a checkpoint's teacher.* is the teacher whenever the method reads one
    kind = "network" if stage["teacher"] != "none" and "teacher" in loaded else stage["teacher"]
    if kind == "network" and "teacher" not in loaded:
        raise SystemExit("this loss reads a trained teacher: give --init a checkpoint with teacher.* tensors")
    out = {}
    groups = [g for g in stage["groups"] if g["main"]] + [
        g for g in stage["groups"] if not g["main"] and g["updates"] > 0
    ]
    for group in groups:
        prefix = "" if group["main"] else f"{group['name']}."
        for n, net in nets.items():
            net.requires_grad_(n in group["trains"])
        rand = Randomness(given=tensors, prefix=prefix)
        seen = label
        if label is not None and group["label_dropout"] and CONDITION["dropout"] > 0:
            if f"{prefix}dropout" not in tensors:
                raise SystemExit(f"the batch file lacks {prefix}dropout [B, 1] (uniform, label dropout): see docs/checking.md")
            seen = drop_labels(label, tensors[f"{prefix}dropout"])
        loss = globals()[group["loss"]]
        total, terms = loss(labelled(nets, seen), x, rand, B, teacher_velocity(kind, nets, label))
        total.backward()
        losses = {f"{prefix}loss": total.detach().reshape(1)}
        losses.update({f"{prefix}loss.{k}": v.detach().reshape(1) for k, v in terms.items()})
        for k, v in losses.items():
            print(f"{k} = {v.item():.9g}")
        out.update(losses)
        for n in group["trains"]:
            for k, p in nets[n].named_parameters():
                out[f"grad.{n}.{k}"] = p.grad
    save_safetensors(out, args.loss_out, {"method": METHOD, "stage": stage["name"]})
    print(f"wrote {len(out)} tensors (loss terms and grad.<parameter>) to {args.loss_out}", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, help="steps of the last stage (default: the experiment's)")
    p.add_argument("--teacher-steps", type=int, help="steps of an earlier (teacher) stage")
    p.add_argument("--batch", type=int, default=CONFIG["train"]["batch"], help="batch size per process")
    p.add_argument("--lr", type=float, help="learning rate of every optimiser group")
    p.add_argument("--data", default=CONFIG["dataset"], help="a lab toy dataset, or a folder of .npy files (yours)")
    p.add_argument("--dim", type=int, default=2, help="sample dimension of a data-free method")
    p.add_argument("--init", help="start from a lab checkpoint (.safetensors: net.*, teacher.*, ema.*)")
    p.add_argument("--out", default="runs/torch", help="folder of checkpoint.safetensors")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--amp", choices=["off", "bf16", "fp16"], default="off", help="mixed precision")
    p.add_argument("--backend", help="torch.distributed backend (default: nccl on GPUs, gloo on CPUs)")
    p.add_argument("--log-every", type=int, default=100)
    p.add_argument("--save-every", type=int, default=0, help="also write the checkpoint every N steps")
    p.add_argument("--rank-checkpoints", action="store_true", help="every process writes checkpoint.rank<r>.safetensors")
    p.add_argument("--sample", type=int, default=0, metavar="N", help="after training, write N samples to samples.npy")
    p.add_argument("--nfe", type=int, default=0, help=f"network evaluations per sample (default {DEFAULT_NFE})")
    p.add_argument("--seed", type=int, default=CONFIG["seed"], help="seed of the random streams")
    p.add_argument("--loss-check", metavar="BATCH", help="loss terms and gradients on a batch file (docs/checking.md)")
    p.add_argument("--loss-out", default="loss-check.safetensors", help="where --loss-check writes them")
    p.add_argument("--stage", help=f"the stage --loss-check computes (default the last: {STAGES[-1]['name']})")
    p.add_argument("--sample-class", type=int, default=-1, help="class-conditional runs: the class to sample (-1: all)")
    args = p.parse_args()
    if args.loss_check:
        loss_check(args)
    else:
        globals()["DIM"] = args.dim
        train(args)


if __name__ == "__main__":
    main()
`;
