#!/usr/bin/python3
"""The PyTorch reference for `tleg bench`: the same training steps, written the usual way.

Debian's python3-torch (the same ATen build that LibTorch is), the same models (DeiT-style ViT
with timm's layout; the Aux-Net whose block i is theta_B + i/L * theta_A), the same shapes,
optimizer (torch.optim.AdamW, no decay on biases / norms / tokens), gradient clipping,
distillation loss, batch size, augmentation (random crop with padding 2 + horizontal flip on the
uint8 batch) and intra-op threads as TLEG Studio's C++ trainer.

`tleg bench` starts this script once and talks to it over stdin / stdout, one JSON object per
line, so that it can alternate C++ and Python trials in one invocation:

  -> {"cmd": "setup", "student": {...ViTConfig JSON...}, "teacher": {...}, "batch": 128, ...}
  <- {"ok": true, "torch": "1.13.0", "allocator": {"tcmalloc": false, "malloc_env": {...}}}
  -> {"cmd": "run", "workload": "distill" | "finetune" | "infer", "threads": 2,
      "steps": 20, "warmup": 3, "bf16": false, "autocast": true}
  <- {"ok": true, "seconds": [per-step wall times]}
  -> {"cmd": "quit"}

bf16 comes in two forms: "autocast" (the default, and what a PyTorch user writes: the forward
and the loss inside `torch.autocast("cpu", dtype=torch.bfloat16)`, the model code untouched)
and the older hand-cast variant ("autocast": false), which converts each linear layer's inputs.

Run by hand: `python3 tests/bench/reference_step.py --selftest` times each workload once;
`--trials autocast,autocast,fp32,autocast` times the 28-px distillation step in that order in one
process (what docs/PERFORMANCE.md's allocator table ran, once per allocator, e.g. under
`LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4`). THREADS sets the threads (2).
"""
import gzip
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------- models

class Attention(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def weights(self):
        return [self.norm1.weight, self.norm1.bias, self.attn.qkv.weight, self.attn.qkv.bias,
                self.attn.proj.weight, self.attn.proj.bias, self.norm2.weight, self.norm2.bias,
                self.mlp.fc1.weight, self.mlp.fc1.bias, self.mlp.fc2.weight, self.mlp.fc2.bias]


BF16 = False  # "hand": each linear layer's inputs cast to bf16 by hand (the older reference)
AUTOCAST = False  # bf16 the way PyTorch users run it: torch.autocast("cpu", dtype=bfloat16)


def linear(x, w, b):
    if not BF16:
        return F.linear(x, w, b)
    return F.linear(x.to(torch.bfloat16), w.to(torch.bfloat16)).float() + b


def block_forward(x, w, heads):
    """timm's Block.forward with the weights passed in: x + MSA(LN1(x)); x + MLP(LN2(x))."""
    n1w, n1b, qkvw, qkvb, pw, pb, n2w, n2b, f1w, f1b, f2w, f2b = w
    B, N, D = x.shape
    h = F.layer_norm(x, (D,), n1w, n1b, 1e-6)
    qkv = linear(h, qkvw, qkvb).reshape(B, N, 3, heads, D // heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    attn = (q * (D // heads) ** -0.5) @ k.transpose(-2, -1)
    attn = attn.softmax(dim=-1)
    ctx = (attn @ v).transpose(1, 2).reshape(B, N, D)
    x = x + linear(ctx, pw, pb)
    h = F.layer_norm(x, (D,), n2w, n2b, 1e-6)
    return x + linear(F.gelu(linear(h, f1w, f1b)), f2w, f2b)


class ViTBase(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        dim, patch = c["dim"], c["patch_size"]
        grid = c["image_size"] // patch
        self.token = c.get("pooling", "token") == "token"
        self.patch_embed = nn.Module()
        self.patch_embed.proj = nn.Conv2d(c["channels"], dim, patch, stride=patch)
        if self.token:
            self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
            nn.init.trunc_normal_(self.cls_token, std=0.02)
        self.pos_embed = nn.Parameter(torch.zeros(1, grid * grid + int(self.token), dim))
        nn.init.trunc_normal_(self.pos_embed, std=0.02)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, c["num_classes"])
        nn.init.trunc_normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)

    def embed(self, x):
        x = self.patch_embed.proj(x).flatten(2).transpose(1, 2)
        if self.token:
            x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
        return x + self.pos_embed

    def pool(self, x):
        f = self.norm(x)[:, 0] if self.token else self.norm(x.mean(1))
        return linear(f, self.head.weight, self.head.bias)


class ViT(ViTBase):
    def __init__(self, c):
        super().__init__(c)
        self.blocks = nn.ModuleList(
            Block(c["dim"], c["heads"], c["mlp_ratio"]) for _ in range(c["depth"]))

    def forward(self, x):
        x = self.embed(x)
        for b in self.blocks:
            x = block_forward(x, b.weights(), b.heads)
        return self.pool(x)


class AuxNet(ViTBase):
    """All of MSA, MLP and LayerNorm expanded from block 0: block i is B + (i / L) * A."""

    def __init__(self, c):
        super().__init__(c)
        self.learngene = nn.Module()
        self.learngene.A = Block(c["dim"], c["heads"], c["mlp_ratio"])
        self.learngene.B = Block(c["dim"], c["heads"], c["mlp_ratio"])
        with torch.no_grad():
            self.learngene.A.norm1.weight.zero_()
            self.learngene.A.norm2.weight.zero_()

    def forward(self, x):
        x = self.embed(x)
        depth = self.c["depth"]
        a, b = self.learngene.A.weights(), self.learngene.B.weights()
        for i in range(depth):
            c = i / depth
            w = b if c == 0.0 else [bp + c * ap for ap, bp in zip(a, b)]
            x = block_forward(x, w, self.c["heads"])
        return self.pool(x)


def adamw_for(model, lr, wd):
    decay, no_decay = [], []
    for n, p in model.named_parameters():
        if not p.requires_grad:
            continue
        (decay if p.dim() >= 2 and "pos_embed" not in n and "cls_token" not in n
         else no_decay).append(p)
    return torch.optim.AdamW([{"params": decay, "weight_decay": wd},
                              {"params": no_decay, "weight_decay": 0.0}],
                             lr=lr, betas=(0.9, 0.999), eps=1e-8)


def cosine_lr(step, total, warmup, base, minimum):
    if warmup > 0 and step < warmup:
        return base * (step + 1) / warmup
    t = min(1.0, (step - warmup) / max(1, total - warmup))
    return minimum + 0.5 * (base - minimum) * (1.0 + math.cos(math.pi * t))


# ---------------------------------------------------------------------------- data

def load_idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(magic & 0xFF)]
    offset = 4 + 4 * len(dims)
    return torch.frombuffer(bytearray(raw[offset:]), dtype=torch.uint8).reshape(dims)


class Data:
    """Fashion-MNIST (or random images of the same shape) as one uint8 tensor in memory."""

    def __init__(self, directory, channels, size, count=10000):
        path = os.path.join(directory or "", "train-images-idx3-ubyte.gz")
        if directory and os.path.exists(path):
            self.images = load_idx(path).unsqueeze(1)
            self.labels = load_idx(os.path.join(directory, "train-labels-idx1-ubyte.gz")).long()
        else:
            g = torch.Generator().manual_seed(0)
            self.images = torch.randint(0, 256, (count, channels, size, size), generator=g,
                                        dtype=torch.uint8)
            self.labels = torch.randint(0, 10, (count,), generator=g)
        x = self.images.float() / 255.0
        self.mean = x.mean(dim=(0, 2, 3)).view(1, -1, 1, 1)
        self.std = x.std(dim=(0, 2, 3)).view(1, -1, 1, 1)
        self.order = torch.randperm(self.images.shape[0])
        self.cursor = 0

    def batch(self, size, augment, pad=2):
        if self.cursor + size > self.images.shape[0]:
            self.order = torch.randperm(self.images.shape[0])
            self.cursor = 0
        idx = self.order[self.cursor:self.cursor + size]
        self.cursor += size
        x = self.images[idx]
        if augment:  # random crop of the zero-padded image + horizontal flip, vectorised
            n, _, h, w = x.shape
            xp = F.pad(x, (pad, pad, pad, pad))
            dy = torch.randint(0, 2 * pad + 1, (n, 1))
            dx = torch.randint(0, 2 * pad + 1, (n, 1))
            rows = torch.arange(h).view(1, h) + dy
            cols = torch.arange(w).view(1, w) + dx
            flip = torch.rand(n, 1) < 0.5
            cols = torch.where(flip, cols.flip(1), cols)
            x = xp[torch.arange(n).view(n, 1, 1, 1), torch.arange(x.shape[1]).view(1, -1, 1, 1),
                   rows.view(n, 1, h, 1), cols.view(n, 1, 1, w)]
        return (x.float() / 255.0 - self.mean) / self.std, self.labels[idx]


# ---------------------------------------------------------------------------- workloads

class Bench:
    def __init__(self, s):
        self.s = s
        torch.manual_seed(0)
        st = s["student"]
        self.data = Data(s.get("data_dir"), st["channels"], st["image_size"],
                         max(int(s.get("random_images", 10000)), s["batch"], s.get("eval_batch", 1)))
        self.teacher = ViT(s["teacher"]).eval()
        for p in self.teacher.parameters():
            p.requires_grad_(False)
        self.aux = AuxNet(st)
        self.des = ViT(st)
        self.lr, self.wd, self.clip = s.get("lr", 1e-3), s.get("weight_decay", 0.05), s.get(
            "clip_grad", 1.0)
        self.opt = {"distill": adamw_for(self.aux, self.lr, self.wd),
                    "finetune": adamw_for(self.des, self.lr, self.wd)}
        self.step_no = 0

    def train_step(self, workload):
        s = self.s
        model = self.aux if workload == "distill" else self.des
        opt = self.opt[workload]
        model.train()
        x, y = self.data.batch(s["batch"], s.get("augment", True))
        lr = cosine_lr(self.step_no, 10000, 400, self.lr, 1e-5)
        for g in opt.param_groups:
            g["lr"] = lr
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=AUTOCAST):
            logits = model(x)
            if workload == "distill":  # lambda = 1, tau = 1: tau^2 * KL(p_t || p_s), batchmean
                with torch.no_grad():
                    t = self.teacher(x)
                tau = s.get("tau", 1.0)
                loss = F.kl_div(F.log_softmax(logits.float() / tau, 1),
                                F.log_softmax(t.float() / tau, 1),
                                reduction="batchmean", log_target=True) * tau * tau
            else:
                loss = F.cross_entropy(logits.float(), y)
        value = loss.item()
        if not math.isfinite(value):
            raise RuntimeError("loss is not finite")
        opt.zero_grad()
        loss.backward()
        if self.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), self.clip)
        opt.step()
        (logits.argmax(1) == y).sum().item()
        self.step_no += 1

    def infer_step(self):
        with torch.no_grad():
            self.des.eval()
            x, y = self.data.batch(self.s.get("eval_batch", 500), False)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=AUTOCAST):
                logits = self.des(x).float()
            F.cross_entropy(logits, y).item()
            (logits.argmax(1) == y).sum().item()

    def run(self, r):
        global BF16, AUTOCAST
        bf16 = bool(r.get("bf16", False))
        AUTOCAST = bf16 and bool(r.get("autocast", True))
        BF16 = bf16 and not AUTOCAST
        torch.set_num_threads(int(r["threads"]))
        step = self.infer_step if r["workload"] == "infer" else (
            lambda: self.train_step(r["workload"]))
        for _ in range(int(r.get("warmup", 3))):
            step()
        seconds = []
        for _ in range(int(r["steps"])):
            t0 = time.perf_counter()
            step()
            seconds.append(time.perf_counter() - t0)
        return seconds


def allocator_in_use():
    """What this process allocates with, as the bench can check it: tcmalloc mapped (an
    LD_PRELOAD that took), and glibc's MALLOC_* tunables in the environment."""
    try:
        with open("/proc/self/maps") as f:
            tcmalloc = any("tcmalloc" in line for line in f)
    except OSError:
        tcmalloc = False
    return {"tcmalloc": tcmalloc,
            "malloc_env": {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")}}


def serve():
    bench = None
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            msg = json.loads(line)
            if msg["cmd"] == "quit":
                break
            if msg["cmd"] == "setup":
                bench = Bench(msg)
                reply = {"ok": True, "torch": torch.__version__, "allocator": allocator_in_use()}
            elif msg["cmd"] == "run":
                reply = {"ok": True, "seconds": bench.run(msg)}
            else:
                reply = {"ok": False, "error": "unknown command " + msg["cmd"]}
        except Exception as e:  # report, keep serving
            reply = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def quick_bench():
    """The bench's 28-px models and batches on Fashion-MNIST."""
    ti = {"image_size": 28, "channels": 1, "patch_size": 7, "dim": 64, "depth": 6, "heads": 2,
          "mlp_ratio": 4.0, "num_classes": 10, "pooling": "token"}
    s = dict(ti, dim=96, heads=3)
    return Bench({"student": ti, "teacher": s, "batch": 128, "eval_batch": 500,
                  "data_dir": "/usr/share/datasets/fashion-mnist"})


def trials(modes):
    """The distillation step (augmentation on, teacher live) in the given precisions, in order."""
    b = quick_bench()
    threads = int(os.environ.get("THREADS", "2"))
    for mode in modes:
        if mode not in ("fp32", "autocast"):
            sys.exit("--trials: unknown precision %r (use fp32 or autocast)" % mode)
        t = sorted(b.run({"workload": "distill", "threads": threads, "steps": 20, "warmup": 3,
                          "bf16": mode == "autocast", "autocast": True}))
        print("distill %-8s threads %d: median %.1f ms = %.0f images/s"
              % (mode, threads, 1e3 * t[len(t) // 2], 128 / t[len(t) // 2]))


def selftest():
    b = quick_bench()
    threads = int(os.environ.get("THREADS", "2"))
    for w in ("distill", "finetune", "infer"):
        for mode in ("fp32", "autocast", "hand-cast bf16"):
            t = sorted(b.run({"workload": w, "threads": threads, "steps": 15, "warmup": 3,
                              "bf16": mode != "fp32", "autocast": mode == "autocast"}))
            print("%-9s %-14s threads %d: median %.2f ms" % (w, mode, threads,
                                                             1e3 * t[len(t) // 2]))


if __name__ == "__main__":
    if "--selftest" in sys.argv:
        selftest()
    elif "--trials" in sys.argv:
        i = sys.argv.index("--trials")
        if i + 1 >= len(sys.argv):
            sys.exit("--trials needs a list, e.g. autocast,fp32")
        trials(sys.argv[i + 1].split(","))
    else:
        serve()
