"""PyTorch side by side with `npm run bench` on the same machine: prints one JSON document.

The optimizer as the reference writes it (docs/reference-parity.md): autograd through the cosines, the
softmax and the KL with its 1e-8 terms, torch.optim.Adam (eps 1e-8), 100 steps, K = 20, lr 1e-4; batched
over Q queries (the losses of independent queries summed: the same gradients) and, with `"loop": "per
query"`, one query after another as the reference does. Also re-scoring Q queries against N normalised
documents (one matmul; on the device, and with the queries coming from and the scores going to the host),
the k-NN (k = 15) of N documents (blocked matmul + topk), and `pipeline`: one Clinc150-shaped dataset as
src/cli/benchPipeline.ts runs it (upload the normalised corpus, score, take each query's top 20, refine,
re-score, rank and compute ranking metrics; each stage timed). Medians of --repeats after a warm-up, CUDA
synchronised; the loss of every step is kept on the device (no .item() in the loop).

Usage: python3 scripts/torchBaseline.py [--repeats N] [--device cuda|cpu] [--cases JSON]

--cases is a JSON list of {"name": "refine"|"rescore"|"knn"|"pipeline", "params": {...}} (refine: Q, K, d,
steps, optional loop "batched" | "per query"; rescore: Q, N, d, optional host "in and out"; knn: N, d, k;
pipeline: Q, N, d): `npm run bench` passes the shapes it measured (src/cli/benchTorch.ts), so both sides
run the same cases. Without it: the benchmark's default shapes. Bundled by npm run bench:gpu-bundle.
"""

import argparse
import json
import platform
import statistics
import sys
import time

import torch

DEFAULT_CASES = (
    [
        {"name": "refine", "params": {"Q": Q, "K": 20, "d": d, "steps": 100}}
        for d in (384, 1024)
        for Q in (1, 150)
    ]
    + [{"name": "rescore", "params": {"Q": 150, "N": 25_000, "d": d}} for d in (384, 1024)]
    + [
        {"name": "rescore", "params": {"Q": 150, "N": 25_000, "d": d, "host": "in and out"}}
        for d in (384, 1024)
    ]
    + [{"name": "knn", "params": {"N": 15_000, "d": 1024, "k": 15}}]
)


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


def refine_per_query(q0, docs, scores, steps=100):
    """The reference's loop: one query (topic) at a time."""
    return torch.cat(
        [refine(q0[i : i + 1], docs[i : i + 1], scores[i : i + 1], steps)[0] for i in range(len(q0))]
    )


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


def ranking_metrics(scores, labels, cutoff=10):
    """Per query: MRR, AP, nDCG@10, nDCG, recall@10, ROC AUC of the full ranking (distinct scores)."""
    order = torch.argsort(scores, dim=-1, descending=True)
    rel = torch.gather(labels, 1, order)
    n = rel.shape[1]
    ranks = torch.arange(1, n + 1, device=rel.device, dtype=rel.dtype)
    num_rel = rel.sum(-1)
    hits = torch.cumsum(rel, -1)
    ap = (rel * hits / ranks).sum(-1) / num_rel.clamp(min=1)
    mrr = (rel / ranks).max(-1).values
    discount = 1 / torch.log2(ranks + 1)
    ideal = torch.cumsum(discount, 0)
    dcg = (rel * discount).sum(-1)
    ndcg = dcg / ideal[(num_rel.long() - 1).clamp(min=0)]
    dcg10 = (rel[:, :cutoff] * discount[:cutoff]).sum(-1)
    ndcg10 = dcg10 / ideal[(num_rel.long().clamp(max=cutoff) - 1).clamp(min=0)]
    recall10 = hits[:, cutoff - 1] / num_rel.clamp(min=1)
    # Mann–Whitney: relevant candidates' ranks from the bottom.
    below = (n - ranks) * rel
    irrelevant = n - num_rel
    auc = (below.sum(-1) - num_rel * (num_rel - 1) / 2) / (num_rel * irrelevant).clamp(min=1)
    return torch.stack([mrr, ap, ndcg10, ndcg, recall10, auc], dim=-1)


def pipeline(host, device, stages):
    """benchPipeline.ts's pass: corpus, queries and labels come from the host, the metrics go back to it."""
    lap = [time.perf_counter()]

    def done(stage):
        if device.type == "cuda":
            torch.cuda.synchronize()
        now = time.perf_counter()
        stages[stage] = round((now - lap[0]) * 1000, 3)
        lap[0] = now

    corpus = host["corpus"].to(device)
    corpus_normed = torch.nn.functional.normalize(corpus, dim=-1, eps=1e-8)
    labels = host["labels"].to(device)
    done("upload")
    queries = host["queries"].to(device)
    top = torch.topk(rescore(queries, corpus_normed), 20, dim=-1).indices
    done("sample")
    refined, _ = refine(queries, corpus[top], torch.gather(labels, 1, top))
    done("refine")
    scores = rescore(refined, corpus_normed)
    done("rescore")
    metrics = ranking_metrics(scores, labels).cpu()
    done("rank_metrics")
    return metrics


def timed(work, repeats, device, warm_up=None):
    (warm_up or work)()
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


def run_case(case, repeats, device, gen):
    name, params = case["name"], dict(case["params"])
    rand = lambda *shape: torch.randn(*shape, generator=gen).to(device)
    out = {"name": name, "params": params}
    if name == "refine":
        Q, K, d, steps = params["Q"], params.get("K", 20), params["d"], params.get("steps", 100)
        q0, docs, scores = rand(Q, d), rand(Q, K, d), torch.rand(Q, K, generator=gen).to(device)
        if params.get("loop", "batched") == "per query":
            # Warmed up by one query: the loop runs the same kernels Q times.
            res = timed(
                lambda: refine_per_query(q0, docs, scores, steps),
                repeats,
                device,
                lambda: refine(q0[:1], docs[:1], scores[:1], steps),
            )
        else:
            res = timed(lambda: refine(q0, docs, scores, steps), repeats, device)
    elif name == "rescore":
        corpus = torch.nn.functional.normalize(rand(params["N"], params["d"]), dim=-1)
        queries = rand(params["Q"], params["d"])
        if params.get("host") == "in and out":
            res = timed(lambda: rescore(queries.cpu().to(device), corpus).cpu(), repeats, device)
        else:
            res = timed(lambda: rescore(queries, corpus), repeats, device)
    elif name == "knn":
        points = rand(params["N"], params["d"])
        res = timed(lambda: knn(points, params.get("k", 15)).cpu(), repeats, device)
    elif name == "pipeline":
        Q, N, d = params["Q"], params["N"], params["d"]
        host = {
            "corpus": torch.randn(N, d, generator=gen),
            "queries": torch.randn(Q, d, generator=gen),
            "labels": (torch.arange(N)[None, :] % Q == torch.arange(Q)[:, None]).float(),
        }
        stage_samples = []

        def one():
            stage_samples.append({})
            pipeline(host, device, stage_samples[-1])

        res = timed(one, repeats, device)
        stage_samples = stage_samples[1:]  # the warm-up's are left out
        res["stages_ms"] = {s: statistics.median(x[s] for x in stage_samples) for s in stage_samples[0]}
    else:
        raise ValueError(f"unknown case {name!r} (refine, rescore, knn, pipeline)")
    out.update(res)
    print(f"torch {name} {json.dumps(params)}: {res['median_ms']} ms", file=sys.stderr, flush=True)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--cases", help="JSON list of {name, params}; default: the benchmark's shapes")
    args = parser.parse_args()
    device = torch.device(args.device)
    cases = json.loads(args.cases) if args.cases else DEFAULT_CASES
    gen = torch.Generator(device="cpu").manual_seed(1)
    results = [run_case(case, args.repeats, device, gen) for case in cases]
    print(
        json.dumps(
            {
                "benchmark": "PyTorch baseline (scripts/torchBaseline.py)",
                "torch": torch.__version__,
                "python": platform.python_version(),
                "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
                "device_type": device.type,
                "threads": torch.get_num_threads(),
                "repeats": args.repeats,
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
