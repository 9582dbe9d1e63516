"""PyTorch side by side with `npm run bench` on the same GPU: prints one JSON document.

The optimizer as the reference writes it (DESIGN.md, "The method"): autograd through the cosines, the
softmax and the KL with its 1e-8 terms, torch.optim.Adam (eps 1e-8), 100 steps, K = 20, lr 1e-4; once for
one query and once batched over 150 queries (the losses of independent queries summed: the same gradients).
Also re-scoring 150 queries against 25,000 normalised documents (one matmul) and the k-NN (k = 15) of 15,000
1,024-d documents (blocked matmul + topk), as the benchmark's cases. Medians of --repeats after a warm-up,
CUDA synchronised; the loss of every step is kept on the device (no .item() in the loop).

Usage: python3 scripts/torchBaseline.py [--repeats N] [--device cuda]  (bundled by npm run bench:gpu-bundle)
"""

import argparse
import json
import statistics
import time

import torch


def refine(q0, docs, scores, steps=100, lr=1e-4):
    p = torch.softmax(scores, dim=-1)
    q = q0.clone().requires_grad_(True)
    opt = torch.optim.Adam([q], lr=lr, betas=(0.9, 0.999), eps=1e-8)
    doc_norms = docs.norm(dim=-1)
    losses = []
    for _ in range(steps):
        dots = torch.einsum("qkd,qd->qk", docs, q)
        c = dots / torch.clamp(doc_norms * q.norm(dim=-1, keepdim=True), min=1e-8)
        r = torch.softmax(c, dim=-1)
        loss = (p * torch.log((p + 1e-8) / (r + 1e-8))).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.detach())
    return q.detach(), torch.stack(losses)


def rescore(queries, docs_normed):
    return torch.nn.functional.normalize(queries, dim=-1, eps=1e-8) @ docs_normed.T


def knn(points, k=15, block=1024):
    normed = torch.nn.functional.normalize(points, dim=-1, eps=1e-8)
    out = []
    for start in range(0, len(points), block):
        sims = normed[start : start + block] @ normed.T
        rows = torch.arange(start, min(start + block, len(points)), device=points.device)
        sims[rows - start, rows] = -float("inf")
        out.append(torch.topk(sims, k, dim=-1).indices)
    return torch.cat(out)


def timed(work, repeats, device):
    work()
    samples = []
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        work()
        if device.type == "cuda":
            torch.cuda.synchronize()
        samples.append(round((time.perf_counter() - start) * 1000, 3))
    return {"median_ms": statistics.median(samples), "samples_ms": samples}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    device = torch.device(args.device)
    gen = torch.Generator(device="cpu").manual_seed(1)
    rand = lambda *shape: torch.randn(*shape, generator=gen).to(device)
    results = []
    for d in (384, 1024):
        for Q in (1, 150):
            q0, docs, scores = rand(Q, d), rand(Q, 20, d), torch.rand(Q, 20, generator=gen).to(device)
            res = timed(lambda: refine(q0, docs, scores), args.repeats, device)
            results.append({"name": "refine", "params": {"Q": Q, "K": 20, "d": d, "steps": 100}, **res})
    for d in (384, 1024):
        corpus = torch.nn.functional.normalize(rand(25_000, d), dim=-1)
        queries = rand(150, d)
        res = timed(lambda: rescore(queries, corpus), args.repeats, device)
        results.append({"name": "rescore", "params": {"Q": 150, "N": 25_000, "d": d}, **res})
        res = timed(lambda: rescore(queries.cpu().to(device), corpus).cpu(), args.repeats, device)
        results.append(
            {"name": "rescore", "params": {"Q": 150, "N": 25_000, "d": d, "host": "in and out"}, **res}
        )
    points = rand(15_000, 1024)
    res = timed(lambda: knn(points).cpu(), args.repeats, device)
    results.append({"name": "knn", "params": {"N": 15_000, "d": 1024, "k": 15}, **res})
    print(
        json.dumps(
            {
                "benchmark": "PyTorch baseline (scripts/torchBaseline.py)",
                "torch": torch.__version__,
                "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
