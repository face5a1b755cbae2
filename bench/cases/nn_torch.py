#!/usr/bin/python3
"""PyTorch counterpart of bench/cases/nn.mjs (`nn_vae_step`): the same encoder/decoder, loss and
SGD step at 128 cells x 2,000 genes, timed per step. bench/run.mjs ignores this file (it runs
.mjs cases); run it by hand to compare on the same machine:

    /usr/bin/python3 bench/cases/nn_torch.py --threads 1
    /usr/bin/python3 bench/cases/nn_torch.py --threads 2

Prints one JSON line with the same timing fields as the harness (ms_per_iter, median_ms, min_ms,
cpu_ms_per_iter). OpenBLAS is kept to one thread, as in /work/shared/bench/torch_scvi_reference.py.
"""
import argparse
import json
import os
import statistics
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch
import torch.nn as nn

GENES, BATCH, HIDDEN, LATENT = 2000, 128, 128, 10


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--iters", type=int, default=60)
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    enc = nn.Sequential(nn.Linear(GENES, HIDDEN), nn.BatchNorm1d(HIDDEN, momentum=0.01, eps=1e-3), nn.ReLU(), nn.Dropout(0.1))
    qm_head, qv_head = nn.Linear(HIDDEN, LATENT), nn.Linear(HIDDEN, LATENT)
    dec = nn.Sequential(nn.Linear(LATENT, HIDDEN), nn.BatchNorm1d(HIDDEN, momentum=0.01, eps=1e-3), nn.ReLU())
    scale_head, r_head, dropout_head = nn.Linear(HIDDEN, GENES), nn.Linear(HIDDEN, GENES), nn.Linear(HIDDEN, GENES)
    params = [p for m in (enc, qm_head, qv_head, dec, scale_head, r_head, dropout_head) for p in m.parameters()]
    opt = torch.optim.SGD(params, lr=1e-6)
    counts = torch.floor(torch.rand(BATCH, GENES) * torch.rand(BATCH, 1) * 8)
    x = torch.log1p(counts)
    library = torch.log(counts.sum(1, keepdim=True) + 1)

    def step():
        h = enc(x)
        qm = qm_head(h)
        qv = torch.exp(qv_head(h)) + 1e-4
        z = qm + qv.sqrt() * torch.randn_like(qm)
        hd = dec(z)
        px_rate = torch.exp(library) * torch.softmax(scale_head(hd), -1)
        px_dropout = dropout_head(hd)
        rec = (px_rate - counts * torch.log(px_rate + 1e-8)).sum()
        zi = (torch.sigmoid(px_dropout) * 0.01).sum()
        kl = 0.5 * (qv + qm**2 - 1 - torch.log(qv)).sum()
        loss = (rec + zi + kl) / BATCH
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(5):
        step()
    wall, cpu = [], []
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    for _ in range(args.iters):
        t0 = time.perf_counter()
        step()
        wall.append(1000 * (time.perf_counter() - t0))
    total_wall = 1000 * (time.perf_counter() - start_wall)
    total_cpu = 1000 * (time.process_time() - start_cpu)
    print(json.dumps({
        "case": "nn_vae_step", "impl": f"torch {torch.__version__}", "threads": args.threads,
        "ms_per_iter": round(total_wall / args.iters, 3), "median_ms": round(statistics.median(wall), 3),
        "min_ms": round(min(wall), 3), "cpu_ms_per_iter": round(total_cpu / args.iters, 3), "iters": args.iters,
    }))


if __name__ == "__main__":
    main()
