"""The source walkthrough's code, re-stated as the reference the package must match.

Copied in behaviour from ../shared/source/walkthrough.py (the original's
indentation restored), wrapped in functions so that tests and benchmarks can
call it with their own data and weights. Do not "improve" anything here.
"""

import numpy as np
import torch
import torch.nn as nn


def func(x):
    return 0.2 * np.power(x, 3) - 2 * np.power(x, 2 + 1) + 8 * x


def split(n, val_fraction=0.2):
    np.random.seed(1996)
    val_idx = np.sort(np.random.choice(n, int(n * val_fraction), replace=False))
    train_idx = np.array(list(set(np.arange(n)) - set(val_idx)))
    return train_idx, val_idx


def train(model, loss_fn, n_epoch, opt, x_train, y_train, x_val, y_val, print_,
          type=1, log=None):
    """The source's loop; ``log`` (a list) collects what the source would print."""
    for epoch in range(1, n_epoch + 1):
        if type == 1:
            y_pred = model(x_train)
            y_val_pred = model(x_val)
            train_loss = loss_fn(y_pred, y_train)
            val_loss = loss_fn(y_val_pred, y_val)
        else:
            y_pred, y_mu, y_logvar = model(x_train)
            y_val_pred, y_val_mu, y_val_logvar = model(x_val)
            train_loss = loss_fn(y_pred, y_train, y_mu, y_logvar)
            val_loss = loss_fn(y_val_pred, y_val, y_val_mu, y_val_logvar)
        opt.zero_grad()
        train_loss.backward()
        opt.step()
        if epoch % print_ == 0 and log is not None:
            log.append((epoch, float(train_loss / x_train.shape[0]),
                        float(val_loss / x_val.shape[0])))


class MLE_model(nn.Module):
    def __init__(self):
        super().__init__()
        self.out = nn.Sequential(nn.Linear(1, 20), nn.ReLU(), nn.Linear(20, 1))

    def forward(self, x):
        return self.out(x)


def MSE(y_pred, y_real):
    return (0.5 * (y_pred - y_real) ** 2).mean()


class VI_model(nn.Module):
    def __init__(self):
        super().__init__()
        self.q_mu = nn.Sequential(
            nn.Linear(1, 40), nn.ReLU(), nn.Linear(40, 20), nn.ReLU(),
            nn.Linear(20, 10), nn.ReLU(), nn.Linear(10, 1))
        self.q_log_var = nn.Sequential(
            nn.Linear(1, 40), nn.ReLU(), nn.Linear(40, 20), nn.ReLU(),
            nn.Linear(20, 10), nn.ReLU(), nn.Linear(10, 1))

    def reparam(self, mu, log_var):
        sigma = torch.exp(0.5 * log_var) + 1e-5
        eps = torch.randn_like(sigma)
        return mu + sigma * eps

    def forward(self, x):
        mu = self.q_mu(x)
        log_var = self.q_log_var(x)
        return self.reparam(mu, log_var), mu, log_var


def gauss_LL(y, mu, log_var):
    sigma = torch.exp(0.5 * log_var)
    return -0.5 * torch.log(2 * np.pi * sigma ** 2) - (1 / (2 * sigma ** 2)) * (y - mu) ** 2


def make_neg_ELBO(prior_mean, prior_var):
    """The source's neg_ELBO with its default arguments bound, as at module level."""
    def neg_ELBO(y_pred, y, mu, log_var, prior_mean=prior_mean, prior_var=prior_var):
        likelihood = gauss_LL(y, mu, log_var)
        log_prior = gauss_LL(y_pred, prior_mean, torch.log(torch.tensor(prior_var)))
        log_prob_q = gauss_LL(y_pred, mu, log_var)
        ELBO = (likelihood + log_prior - log_prob_q).mean()
        return -ELBO
    return neg_ELBO


def sample_band(vi_model, X, num_samples=1000):
    """The source's 1,000 stochastic passes and np.quantile: returns (q1, median, q2)."""
    with torch.no_grad():
        Y_vi_pred = torch.cat([vi_model(X)[0] for _ in range(num_samples)], dim=1)
    return np.quantile(Y_vi_pred.detach().cpu(), [0.05, 0.5, 0.95], axis=1)
