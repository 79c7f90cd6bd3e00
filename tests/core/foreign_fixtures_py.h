#pragma once
// The Python script (Debian's python3-torch / python3-torchvision, no other package) that writes
// the foreign ViT fixtures of test_foreign_models.cpp and their reference logits, computed with
// plain torch ops that follow timm's and Hugging Face's forward passes (torchvision: the real
// torchvision.models.VisionTransformer). safetensors is written by hand: Debian has no package.
// Usage (from the test):
//   writeFile(dir + "/fixtures.py", kForeignFixturesPy);
//   python3 fixtures.py write OUT_DIR           // fixtures, a tiny CIFAR-10 folder, reference
//   python3 fixtures.py timm-logits FILE HEADS OUT  // FILE (timm names) on the reference images

namespace tleg::testing {

inline constexpr const char* kForeignFixturesPy = R"PY(
import json, math, os, struct, sys
import torch
import torch.nn.functional as F

IMAGE, PATCH, CH, DIM, DEPTH, HEADS, HIDDEN, CLASSES = 32, 8, 3, 32, 2, 2, 64, 10
TRAIN_PER_BATCH, TEST = 8, 20
IMAGENET = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.int64: "I64", torch.uint8: "U8"}
NAMES = {v: k for k, v in DTYPES.items()}


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        buf = bytearray(raw[8 + n + b:8 + n + e])
        t = torch.frombuffer(buf, dtype=NAMES[info["dtype"]]) if e > b else torch.zeros(0)
        out[name] = t.reshape(info["shape"]).clone()
    return out


def timm_state(gen, dist=False, avg=False, qkv_bias=True):
    """A timm / DeiT ViT's state dict with weights large enough to give distinct logits."""
    def r(*shape, std=0.3):
        return torch.randn(*shape, generator=gen) * std
    tokens = (IMAGE // PATCH) ** 2 + 1 + (1 if dist else 0)
    s = {"cls_token": r(1, 1, DIM)}
    if dist:
        s["dist_token"] = r(1, 1, DIM)
    s["pos_embed"] = r(1, tokens, DIM)
    s["patch_embed.proj.weight"] = r(DIM, CH, PATCH, PATCH, std=0.05)
    s["patch_embed.proj.bias"] = r(DIM, std=0.1)
    for i in range(DEPTH):
        p = "blocks.%d." % i
        s[p + "norm1.weight"] = 1 + r(DIM, std=0.1)
        s[p + "norm1.bias"] = r(DIM, std=0.1)
        s[p + "attn.qkv.weight"] = r(3 * DIM, DIM, std=0.2)
        if qkv_bias:
            s[p + "attn.qkv.bias"] = r(3 * DIM, std=0.1)
        s[p + "attn.proj.weight"] = r(DIM, DIM, std=0.2)
        s[p + "attn.proj.bias"] = r(DIM, std=0.1)
        s[p + "norm2.weight"] = 1 + r(DIM, std=0.1)
        s[p + "norm2.bias"] = r(DIM, std=0.1)
        s[p + "mlp.fc1.weight"] = r(HIDDEN, DIM, std=0.2)
        s[p + "mlp.fc1.bias"] = r(HIDDEN, std=0.1)
        s[p + "mlp.fc2.weight"] = r(DIM, HIDDEN, std=0.2)
        s[p + "mlp.fc2.bias"] = r(DIM, std=0.1)
    norm = "fc_norm" if avg else "norm"
    s[norm + ".weight"] = 1 + r(DIM, std=0.1)
    s[norm + ".bias"] = r(DIM, std=0.1)
    s["head.weight"] = r(CLASSES, DIM, std=0.5)
    s["head.bias"] = r(CLASSES, std=0.1)
    if dist:
        s["head_dist.weight"] = r(CLASSES, DIM, std=0.5)
        s["head_dist.bias"] = r(CLASSES, std=0.1)
    return s


def timm_forward(s, x, heads):
    """timm's VisionTransformer / VisionTransformerDistilled (eval) with plain torch ops."""
    w = lambda n: s[n].float()
    has = lambda n: n in s
    x = F.conv2d(x, w("patch_embed.proj.weight"), w("patch_embed.proj.bias"), stride=PATCH)
    x = x.flatten(2).transpose(1, 2)
    prefix = [w(n).expand(x.shape[0], -1, -1) for n in ("cls_token", "dist_token") if has(n)]
    x = torch.cat(prefix + [x], 1) + w("pos_embed")
    depth = len({k.split(".")[1] for k in s if k.startswith("blocks.")})
    for i in range(depth):
        p = "blocks.%d." % i
        B, N, C = x.shape
        h = F.layer_norm(x, (C,), w(p + "norm1.weight"), w(p + "norm1.bias"), 1e-6)
        qkv = F.linear(h, w(p + "attn.qkv.weight"),
                       w(p + "attn.qkv.bias") if has(p + "attn.qkv.bias") else None)
        qkv = qkv.reshape(B, N, 3, heads, C // heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q * (C // heads) ** -0.5) @ k.transpose(-2, -1)).softmax(-1)
        h = (attn @ v).transpose(1, 2).reshape(B, N, C)
        x = x + F.linear(h, w(p + "attn.proj.weight"), w(p + "attn.proj.bias"))
        h = F.layer_norm(x, (C,), w(p + "norm2.weight"), w(p + "norm2.bias"), 1e-6)
        h = F.gelu(F.linear(h, w(p + "mlp.fc1.weight"), w(p + "mlp.fc1.bias")))
        x = x + F.linear(h, w(p + "mlp.fc2.weight"), w(p + "mlp.fc2.bias"))
    if has("fc_norm.weight"):  # global_pool="avg": the prefix tokens are left out
        f = x[:, len(prefix):].mean(1)
        f = F.layer_norm(f, (DIM,), w("fc_norm.weight"), w("fc_norm.bias"), 1e-6)
        return F.linear(f, w("head.weight"), w("head.bias"))
    x = F.layer_norm(x, (DIM,), w("norm.weight"), w("norm.bias"), 1e-6)
    out = F.linear(x[:, 0], w("head.weight"), w("head.bias"))
    if has("head_dist.weight"):
        out = (out + F.linear(x[:, 1], w("head_dist.weight"), w("head_dist.bias"))) / 2
    return out


def hf_state(t):
    """The same weights under Hugging Face's ViTForImageClassification names."""
    s = {"vit.embeddings.cls_token": t["cls_token"],
         "vit.embeddings.position_embeddings": t["pos_embed"],
         "vit.embeddings.patch_embeddings.projection.weight": t["patch_embed.proj.weight"],
         "vit.embeddings.patch_embeddings.projection.bias": t["patch_embed.proj.bias"]}
    for i in range(DEPTH):
        a, b = "blocks.%d." % i, "vit.encoder.layer.%d." % i
        q, k, v = t[a + "attn.qkv.weight"].chunk(3)
        qb, kb, vb = t[a + "attn.qkv.bias"].chunk(3)
        s.update({b + "layernorm_before.weight": t[a + "norm1.weight"],
                  b + "layernorm_before.bias": t[a + "norm1.bias"],
                  b + "attention.attention.query.weight": q, b + "attention.attention.query.bias": qb,
                  b + "attention.attention.key.weight": k, b + "attention.attention.key.bias": kb,
                  b + "attention.attention.value.weight": v, b + "attention.attention.value.bias": vb,
                  b + "attention.output.dense.weight": t[a + "attn.proj.weight"],
                  b + "attention.output.dense.bias": t[a + "attn.proj.bias"],
                  b + "layernorm_after.weight": t[a + "norm2.weight"],
                  b + "layernorm_after.bias": t[a + "norm2.bias"],
                  b + "intermediate.dense.weight": t[a + "mlp.fc1.weight"],
                  b + "intermediate.dense.bias": t[a + "mlp.fc1.bias"],
                  b + "output.dense.weight": t[a + "mlp.fc2.weight"],
                  b + "output.dense.bias": t[a + "mlp.fc2.bias"]})
    s.update({"vit.layernorm.weight": t["norm.weight"], "vit.layernorm.bias": t["norm.bias"],
              "classifier.weight": t["head.weight"], "classifier.bias": t["head.bias"]})
    return {k: v.contiguous() for k, v in s.items()}


def hf_forward(s, x, heads, eps):
    """Hugging Face's ViTForImageClassification (eval): separate q, k, v; eps from config."""
    emb = F.conv2d(x, s["vit.embeddings.patch_embeddings.projection.weight"],
                   s["vit.embeddings.patch_embeddings.projection.bias"], stride=PATCH)
    emb = emb.flatten(2).transpose(1, 2)
    cls = s["vit.embeddings.cls_token"].expand(x.shape[0], -1, -1)
    h = torch.cat([cls, emb], 1) + s["vit.embeddings.position_embeddings"]
    for i in range(DEPTH):
        p = "vit.encoder.layer.%d." % i
        ln = lambda t, n: F.layer_norm(t, (DIM,), s[p + n + ".weight"], s[p + n + ".bias"], eps)
        lin = lambda t, n: F.linear(t, s[p + n + ".weight"], s[p + n + ".bias"])
        a = ln(h, "layernorm_before")
        B, N, _ = a.shape
        split = lambda t: t.view(B, N, heads, DIM // heads).permute(0, 2, 1, 3)
        q = split(lin(a, "attention.attention.query"))
        k = split(lin(a, "attention.attention.key"))
        v = split(lin(a, "attention.attention.value"))
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(DIM // heads)
        ctx = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(B, N, DIM)
        h = h + lin(ctx, "attention.output.dense")
        m = F.gelu(lin(ln(h, "layernorm_after"), "intermediate.dense"))
        h = h + lin(m, "output.dense")
    h = F.layer_norm(h, (DIM,), s["vit.layernorm.weight"], s["vit.layernorm.bias"], eps)
    return F.linear(h[:, 0], s["classifier.weight"], s["classifier.bias"])


def normalise(images, mean, std):
    x = images.float() / 255.0
    return (x - torch.tensor(mean).view(1, -1, 1, 1)) / torch.tensor(std).view(1, -1, 1, 1)


def write_cifar(root, gen):
    """A tiny CIFAR-10 binary folder: 5 training batches and one test batch."""
    os.makedirs(root, exist_ok=True)
    def batch(name, n):
        labels = torch.randint(0, CLASSES, (n,), generator=gen)
        images = torch.randint(0, 256, (n, CH, IMAGE, IMAGE), generator=gen).to(torch.uint8)
        with open(os.path.join(root, name), "wb") as f:
            for i in range(n):
                f.write(bytes([int(labels[i])]) + images[i].numpy().tobytes())
        return images, labels
    for b in range(1, 6):
        batch("data_batch_%d.bin" % b, TRAIN_PER_BATCH)
    return batch("test_batch.bin", TEST)


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f)


def write_all(out):
    gen = torch.Generator().manual_seed(1234)
    images, labels = write_cifar(os.path.join(out, "cifar"), gen)
    ref = {"images": images, "labels": labels}
    # timm: no config beside it (heads from an option, mean/std assumed ImageNet's)
    timm = timm_state(gen)
    os.makedirs(os.path.join(out, "timm"))
    write_safetensors(os.path.join(out, "timm", "vit.safetensors"), timm, {"format": "pt"})
    ref["logits.timm"] = timm_forward(timm, normalise(images, *IMAGENET), HEADS)
    # the same in float16
    half = {k: v.half() for k, v in timm.items()}
    write_safetensors(os.path.join(out, "timm", "vit-f16.safetensors"), half)
    ref["logits.timm-f16"] = timm_forward(half, normalise(images, *IMAGENET), HEADS)
    # timm global_pool="avg" (fc_norm), qkv_bias=False, with timm's config.json beside it
    gap = timm_state(gen, avg=True, qkv_bias=False)
    os.makedirs(os.path.join(out, "timm-gap"))
    write_safetensors(os.path.join(out, "timm-gap", "model.safetensors"), gap)
    mean, std = [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]
    write_json(os.path.join(out, "timm-gap", "config.json"),
               {"architecture": "vit_custom_patch8_32.test", "num_classes": CLASSES,
                "global_pool": "avg", "model_args": {"num_heads": HEADS, "qkv_bias": False},
                "pretrained_cfg": {"input_size": [CH, IMAGE, IMAGE], "mean": mean, "std": std}})
    ref["logits.timm-gap"] = timm_forward(gap, normalise(images, mean, std), HEADS)
    # DeiT distilled
    deit = timm_state(gen, dist=True)
    os.makedirs(os.path.join(out, "deit"))
    write_safetensors(os.path.join(out, "deit", "deit.safetensors"), deit)
    ref["logits.deit"] = timm_forward(deit, normalise(images, *IMAGENET), HEADS)
    write_huggingface(out, gen, images, ref)
    write_torchvision(out, gen, images, ref)
    write_safetensors(os.path.join(out, "reference.safetensors"),
                      {k: v.detach().contiguous() for k, v in ref.items()})


def write_huggingface(out, gen, images, ref):
    hf = hf_state(timm_state(gen))
    folder = os.path.join(out, "hf")
    os.makedirs(folder)
    write_safetensors(os.path.join(folder, "model.safetensors"), hf, {"format": "pt"})
    write_json(os.path.join(folder, "config.json"),
               {"architectures": ["ViTForImageClassification"], "model_type": "vit",
                "hidden_size": DIM, "num_hidden_layers": DEPTH, "num_attention_heads": HEADS,
                "intermediate_size": HIDDEN, "hidden_act": "gelu", "layer_norm_eps": 1e-12,
                "image_size": IMAGE, "patch_size": PATCH, "num_channels": CH, "qkv_bias": True,
                "id2label": {str(i): "c%d" % i for i in range(CLASSES)},
                "label2id": {"c%d" % i: i for i in range(CLASSES)}})
    mean, std = [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]
    write_json(os.path.join(folder, "preprocessor_config.json"),
               {"do_normalize": True, "do_rescale": True, "do_resize": True,
                "image_mean": mean, "image_std": std, "size": {"height": IMAGE, "width": IMAGE},
                "image_processor_type": "ViTImageProcessor"})
    ref["logits.hf"] = hf_forward(hf, normalise(images, mean, std), HEADS, 1e-12)


def write_torchvision(out, gen, images, ref):
    import torchvision
    torch.manual_seed(99)
    model = torchvision.models.VisionTransformer(
        image_size=IMAGE, patch_size=PATCH, num_layers=DEPTH, num_heads=HEADS, hidden_dim=DIM,
        mlp_dim=HIDDEN, num_classes=CLASSES)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.randn(p.shape, generator=gen) * (0.05 if "conv_proj" in name else 0.3)
                    + (1.0 if name.endswith("ln_1.weight") or name.endswith("ln_2.weight")
                       or name.endswith("ln.weight") else 0.0))
    model.eval()
    os.makedirs(os.path.join(out, "torchvision"))
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    write_safetensors(os.path.join(out, "torchvision", "vit_tv.safetensors"), state)
    with torch.no_grad():
        ref["logits.torchvision"] = model(normalise(images, *IMAGENET))
    torch.jit.script(model).save(os.path.join(out, "torchvision", "vit_tv.pt"))


def timm_logits(path, heads, out):
    s = {k: v for k, v in read_safetensors(path).items()}
    images = read_safetensors(os.path.join(os.path.dirname(out), "reference.safetensors"))["images"]
    write_safetensors(out, {"logits": timm_forward(s, normalise(images, *IMAGENET), heads)})


if __name__ == "__main__":
    torch.set_num_threads(1)
    with torch.no_grad():
        if sys.argv[1] == "write":
            write_all(sys.argv[2])
        elif sys.argv[1] == "timm-logits":
            timm_logits(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    print("ok")
)PY";

} // namespace tleg::testing
