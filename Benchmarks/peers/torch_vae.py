#!/usr/bin/env python3
"""The `anomalyd-bench vae` work done the way a PyTorch user would do it.

Donut's Gaussian VAE: window 120 (1 field), hidden [100, 100], latent 8, float32, one thread.
Prints the same lines as `anomalyd-bench vae`:

    vae.score.batch1 N windows/s      reconstruction NLL + latent Mahalanobis distance, from mu_z
    vae.score.batch256 N windows/s    the same over batches of 256
    vae.train.batch256 N samples/s    Adam, one z sample, forward + backward + step

Run with OPENBLAS_NUM_THREADS=1 (and this script pins torch to one thread).
"""
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

WINDOW, HIDDEN, LATENT, EPS = 120, [100, 100], 8, 1e-4
LOG_2PI = math.log(2.0 * math.pi)


class DonutVAE(nn.Module):
    def __init__(self, x_dim, hidden, latent, eps):
        super().__init__()
        self.eps = eps
        enc, width = [], x_dim
        for h in hidden:
            enc += [nn.Linear(width, h), nn.ReLU()]
            width = h
        self.encoder = nn.Sequential(*enc)
        self.enc_mu = nn.Linear(width, latent)
        self.enc_sigma = nn.Linear(width, latent)
        dec, width = [], latent
        for h in hidden:
            dec += [nn.Linear(width, h), nn.ReLU()]
            width = h
        self.decoder = nn.Sequential(*dec)
        self.dec_mu = nn.Linear(width, x_dim)
        self.dec_sigma = nn.Linear(width, x_dim)

    def encode(self, x):
        h = self.encoder(x)
        return self.enc_mu(h), F.softplus(self.enc_sigma(h)) + self.eps

    def decode(self, z):
        g = self.decoder(z)
        return self.dec_mu(g), F.softplus(self.dec_sigma(g)) + self.eps


def gaussian_nll(x, mu, sigma):
    """Per-window negative log-likelihood of x under N(mu, sigma^2), summed over the window."""
    return (0.5 * LOG_2PI + torch.log(sigma) + 0.5 * ((x - mu) / sigma) ** 2).sum(-1)


def score(model, x, latent_mean, latent_precision):
    # Scoring decodes z = mu_z, so only the mean head of the encoder is evaluated (as in anomalyd).
    mu_z = model.enc_mu(model.encoder(x))
    mu_x, sigma_x = model.decode(mu_z)
    nll = gaussian_nll(x, mu_x, sigma_x)
    d = mu_z - latent_mean
    distance = ((d @ latent_precision) * d).sum(-1).sqrt()
    return nll, distance


def loss_fn(model, x, mask, beta=1.0):
    mu_z, sigma_z = model.encode(x)
    z = mu_z + sigma_z * torch.randn_like(mu_z)
    mu_x, sigma_x = model.decode(z)
    point_nll = 0.5 * LOG_2PI + torch.log(sigma_x) + 0.5 * ((x - mu_x) / sigma_x) ** 2
    recon = (point_nll * mask).sum(-1)
    kl = (-torch.log(sigma_z) + 0.5 * (sigma_z ** 2 + mu_z ** 2) - 0.5).sum(-1)
    observed = mask.mean(-1)
    return (recon + beta * observed * kl).mean()


def timed(fn, trials=5, min_seconds=0.4):
    """Best calls per second of this thread's CPU time over `trials` slices, after a warm-up.

    CPU time and best-of-slices because the host is shared; anomalyd-bench measures the same way.
    """
    fn()  # warm-up
    best = 0.0
    for _ in range(trials):
        count, start = 0, time.thread_time()
        while True:
            fn()
            count += 1
            elapsed = time.thread_time() - start
            if elapsed >= min_seconds:
                break
        best = max(best, count / elapsed)
    return best


def main():
    torch.set_num_threads(1)
    torch.manual_seed(42)
    model = DonutVAE(WINDOW, HIDDEN, LATENT, EPS)
    t = torch.arange(256 * WINDOW, dtype=torch.float32).reshape(256, WINDOW)
    x256 = torch.sin(t * (2 * math.pi / 60.0)) + 0.1 * torch.randn(256, WINDOW)
    x1 = x256[:1].clone()
    latent_mean = torch.zeros(LATENT)
    latent_precision = torch.eye(LATENT)

    with torch.inference_mode():
        rate1 = timed(lambda: score(model, x1, latent_mean, latent_precision))
        print(f"vae.score.batch1 {rate1:.0f} windows/s")
        rate256 = timed(lambda: score(model, x256, latent_mean, latent_precision)) * 256
        print(f"vae.score.batch256 {rate256:.0f} windows/s")

    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    mask = torch.ones_like(x256)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model, x256, mask)
        loss.backward()
        optimizer.step()

    rate_train = timed(step) * 256
    print(f"vae.train.batch256 {rate_train:.0f} samples/s")


if __name__ == "__main__":
    main()
