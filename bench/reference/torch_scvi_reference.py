#!/usr/bin/env python3
"""Reference scVI in plain PyTorch, with scvi-tools' default architecture and training settings.

It is the yardstick that scvi-ts' speed and quality are measured against on the same machine:
what a user would otherwise run (scvi-tools trains this same network with PyTorch).

Defaults mirrored from scvi-tools (module VAE, model SCVI, TrainingPlan):
  log1p input; encoder Linear(G,128) -> BatchNorm1d(momentum .01, eps 1e-3) -> ReLU -> Dropout(.1);
  qz mean/var heads (var = exp(.) + 1e-4); decoder Linear(10 [+batch one-hot], 128) -> BatchNorm ->
  ReLU; px_scale softmax head, zero-inflation logits head; gene dispersion px_r ~ randn(G);
  observed library size; ZINB likelihood; KL(q(z|x) || N(0, I)) with linear warm-up over 400
  epochs; Adam(lr 1e-3, eps 0.01, weight_decay 1e-6); batch size 128; 90/10 train/validation split.

Needs PyTorch with OpenBLAS (Debian: apt-get install -y python3-torch libopenblas0-pthread; without
OpenBLAS torch falls back to the reference BLAS and runs ~6x slower). Run with /usr/bin/python3.
Reading .h5ad also needs python3-anndata. OpenBLAS is kept to one thread (OPENBLAS_NUM_THREADS=1) unless
set otherwise: its threads and torch's own fight over the cores and double the epoch time.

Examples:
  /usr/bin/python3 torch_scvi_reference.py --synthetic 10000x2000 --epochs 3 --threads 2
  /usr/bin/python3 torch_scvi_reference.py --h5ad data.h5ad --batch-key batch --epochs 50 --out latent.npy
Prints one JSON object on the last line.
"""
import argparse
import json
import math
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy/torch load OpenBLAS

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def synthetic_counts(n_cells, n_genes, n_batches, seed):
    """Negative-binomial counts from a low-rank model; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n_cells, 10))
    w = rng.normal(scale=0.6, size=(10, n_genes))
    batch = rng.integers(0, n_batches, size=n_cells)
    batch_shift = rng.normal(scale=0.3, size=(n_batches, n_genes))
    logits = z @ w + batch_shift[batch]
    rho = np.exp(logits - logits.max(axis=1, keepdims=True))
    rho /= rho.sum(axis=1, keepdims=True)
    lib = rng.lognormal(mean=math.log(2000), sigma=0.4, size=(n_cells, 1))
    mu = rho * lib
    theta = 2.0
    lam = rng.gamma(shape=theta, scale=mu / theta)
    x = rng.poisson(lam).astype(np.float32)
    return x, batch.astype(np.int64)


def log_zinb_positive(x, mu, theta, pi, eps=1e-8):
    softplus_pi = F.softplus(-pi)
    log_theta_eps = torch.log(theta + eps)
    log_theta_mu_eps = torch.log(theta + mu + eps)
    pi_theta_log = -pi + theta * (log_theta_eps - log_theta_mu_eps)
    case_zero = F.softplus(pi_theta_log) - softplus_pi
    mul_case_zero = torch.mul((x < eps).type(torch.float32), case_zero)
    case_non_zero = (
        -softplus_pi
        + pi_theta_log
        + x * (torch.log(mu + eps) - log_theta_mu_eps)
        + torch.lgamma(x + theta)
        - torch.lgamma(theta)
        - torch.lgamma(x + 1)
    )
    mul_case_non_zero = torch.mul((x > eps).type(torch.float32), case_non_zero)
    return mul_case_zero + mul_case_non_zero


class VAE(nn.Module):
    def __init__(self, n_genes, n_batch, n_hidden=128, n_latent=10, dropout=0.1):
        super().__init__()
        self.n_batch = n_batch
        self.enc = nn.Sequential(
            nn.Linear(n_genes, n_hidden),
            nn.BatchNorm1d(n_hidden, momentum=0.01, eps=0.001),
            nn.ReLU(),
            nn.Dropout(dropout),
        )
        self.qz_m = nn.Linear(n_hidden, n_latent)
        self.qz_v = nn.Linear(n_hidden, n_latent)
        n_cov = n_batch if n_batch > 1 else 0
        self.dec = nn.Sequential(
            nn.Linear(n_latent + n_cov, n_hidden),
            nn.BatchNorm1d(n_hidden, momentum=0.01, eps=0.001),
            nn.ReLU(),
        )
        self.px_scale = nn.Linear(n_hidden + n_cov, n_genes)
        self.px_dropout = nn.Linear(n_hidden + n_cov, n_genes)
        self.px_r = nn.Parameter(torch.randn(n_genes))

    def forward(self, x, batch, kl_weight):
        library = torch.log(x.sum(1, keepdim=True))
        h = self.enc(torch.log1p(x))
        qz_m = self.qz_m(h)
        qz_v = torch.exp(self.qz_v(h)) + 1e-4
        z = qz_m + qz_v.sqrt() * torch.randn_like(qz_m)
        if self.n_batch > 1:
            one_hot = F.one_hot(batch, self.n_batch).float()
            hd = self.dec(torch.cat([z, one_hot], 1))
            hd = torch.cat([hd, one_hot], 1)
        else:
            hd = self.dec(z)
        px_scale = torch.softmax(self.px_scale(hd), dim=-1)
        px_dropout = self.px_dropout(hd)
        px_rate = torch.exp(library) * px_scale
        theta = torch.exp(self.px_r)
        rec = -log_zinb_positive(x, px_rate, theta, px_dropout).sum(-1)
        kl = 0.5 * (qz_v + qz_m**2 - 1 - torch.log(qz_v)).sum(-1)
        loss = torch.mean(rec + kl_weight * kl)
        return loss, rec, kl, qz_m

    @torch.no_grad()
    def latent(self, x):
        return self.qz_m(self.enc(torch.log1p(x)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--synthetic", default=None, help="CELLSxGENES, e.g. 10000x2000")
    ap.add_argument("--synthetic-batches", type=int, default=1)
    ap.add_argument("--h5ad", default=None)
    ap.add_argument("--batch-key", default=None)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default=None, help="write the latent means (cells x 10) as .npy")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    if args.synthetic:
        n_cells, n_genes = (int(v) for v in args.synthetic.lower().split("x"))
        x, batch = synthetic_counts(n_cells, n_genes, args.synthetic_batches, args.seed)
    else:
        import anndata

        ad = anndata.read_h5ad(args.h5ad)
        X = ad.X
        x = np.asarray(X.todense() if hasattr(X, "todense") else X, dtype=np.float32)
        if args.batch_key:
            batch = ad.obs[args.batch_key].astype("category").cat.codes.values.astype(np.int64)
        else:
            batch = np.zeros(x.shape[0], dtype=np.int64)
    n_batch = int(batch.max()) + 1
    X = torch.from_numpy(x)
    B = torch.from_numpy(batch)
    n = X.shape[0]
    perm = np.random.default_rng(args.seed).permutation(n)
    n_train = math.ceil(0.9 * n)
    train_idx, val_idx = perm[:n_train], perm[n_train:]

    model = VAE(X.shape[1], n_batch)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=0.01, weight_decay=1e-6)
    epoch_s, epoch_cpu_s, train_elbo, val_elbo = [], [], [], []
    for epoch in range(args.epochs):
        kl_weight = min(1.0, epoch / 400)
        model.train()
        t0 = time.perf_counter()
        c0 = time.process_time()
        order = np.random.default_rng(args.seed + epoch).permutation(train_idx)
        tot, cnt = 0.0, 0
        for s in range(0, len(order), args.batch_size):
            idx = torch.from_numpy(order[s : s + args.batch_size])
            if len(idx) < 3:
                continue
            loss, rec, kl, _ = model(X[idx], B[idx], kl_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float((rec + kl).sum())
            cnt += len(idx)
        epoch_s.append(time.perf_counter() - t0)
        epoch_cpu_s.append(time.process_time() - c0)
        train_elbo.append(tot / cnt)
        model.eval()
        with torch.no_grad():
            vi = torch.from_numpy(val_idx)
            if len(vi) > 0:
                _, rec, kl, _ = model(X[vi], B[vi], 1.0)
                val_elbo.append(float((rec + kl).mean()))
    model.eval()
    latent = torch.cat([model.latent(X[s : s + 1024]) for s in range(0, n, 1024)]).numpy()
    if args.out:
        np.save(args.out, latent)
    print(
        json.dumps(
            {
                "impl": "torch-reference",
                "torch": torch.__version__,
                "threads": args.threads,
                "cells": int(n),
                "genes": int(X.shape[1]),
                "n_batch": n_batch,
                "epochs": args.epochs,
                "steps_per_epoch": math.ceil(n_train / args.batch_size),
                "epoch_s": epoch_s,
                "median_epoch_s": float(np.median(epoch_s)),
                "epoch_cpu_s": epoch_cpu_s,
                "median_epoch_cpu_s": float(np.median(epoch_cpu_s)),
                "elbo_train": train_elbo,
                "elbo_validation": val_elbo,
            }
        )
    )


if __name__ == "__main__":
    main()
