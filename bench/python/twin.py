#!/usr/bin/env python3
"""PyTorch twin of the SynapticPruning.ML training step, driven by the C# benchmark over stdin/stdout.

Same architecture (LSTM forecaster or PatchTST with BatchNorm and residual attention scores, RevIN), same data
(a float32 row-major file written by the benchmark), same batch, strided window views + index_select batches in a
shuffled order, Adam(1e-3, 0.9, 0.999), MSE, loss.item() every step, and global magnitude pruning written the
idiomatic PyTorch way: torch.nn.utils.prune.global_unstructured(L1Unstructured) every `interval` steps towards a
target that rises linearly with the step (the same schedule as the C# side), over every parameter with >= 2
dimensions and 'weight' in its name.

PatchTST's encoder dropout (--dropout p, default 0) sits at exactly the C# model's sites (PatchTstForecaster,
PatchTstEncoderLayer, ResidualMultiHeadAttention): after the positional embedding, after the attention output projection,
on the attention residual path, after the GELU and after the second feed-forward linear; attention-weight and head
dropout are 0 (the published PatchTST/42 configuration).

Protocol: prints one JSON line {"ready": ...}; then for each input line "run K" runs K steps and prints
"done <seconds>"; "epoch [T [LR]]" runs one epoch as ForecastTrainer does, on T intra-op threads and at learning rate
LR when given (one shuffled pass over every training window at --batch with Adam in train mode, dropout on, loss.item()
every step; then a no-grad eval-mode pass over every window of --val-data at the same batch size, the summed MSE read
back per batch) and prints "done <seconds> <train loss> <validation loss>"; "quit" exits. Never used by tests or CI.
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.nn.utils.prune as prune


class RecurrentForecaster(nn.Module):
    def __init__(self, channels, hidden, horizon, targets):
        super().__init__()
        self.lstm = nn.LSTM(channels, hidden, num_layers=1, batch_first=True)
        self.head = nn.Linear(hidden, horizon * targets)
        self.horizon, self.targets = horizon, targets

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[:, -1]).view(x.shape[0], self.horizon, self.targets)


class ResidualAttention(nn.Module):
    def __init__(self, d_model, heads, dropout=0.0):
        super().__init__()
        self.heads, self.head_dim = heads, d_model // heads
        self.scale = 1.0 / math.sqrt(self.head_dim)
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model)
        self.value = nn.Linear(d_model, d_model)
        self.output = nn.Linear(d_model, d_model)
        self.output_dropout = nn.Dropout(dropout)  # PatchTST's proj_dropout (attention-weight dropout is 0)

    def forward(self, x, prev):
        b, n, _ = x.shape
        q = self.query(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        k_t = self.key(x).view(b, n, self.heads, self.head_dim).permute(0, 2, 3, 1)
        v = self.value(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        scores = torch.matmul(q, k_t).mul_(self.scale)
        if prev is not None:
            scores = scores.add_(prev)
        attended = torch.matmul(scores.softmax(-1), v).transpose(1, 2).reshape(b, n, self.heads * self.head_dim)
        return self.output_dropout(self.output(attended)), scores


class EncoderLayer(nn.Module):
    def __init__(self, d_model, heads, ff, dropout=0.0):
        super().__init__()
        self.self_attention = ResidualAttention(d_model, heads, dropout)
        self.attention_output_dropout = nn.Dropout(dropout)
        self.attention_norm = nn.BatchNorm1d(d_model)
        self.feed_forward_in = nn.Linear(d_model, ff)
        self.feed_forward_dropout = nn.Dropout(dropout)
        self.feed_forward_out = nn.Linear(ff, d_model)
        self.feed_forward_output_dropout = nn.Dropout(dropout)
        self.feed_forward_norm = nn.BatchNorm1d(d_model)

    def forward(self, x, prev):
        attended, scores = self.self_attention(x, prev)
        x = self.attention_norm((x + self.attention_output_dropout(attended)).transpose(1, 2)).transpose(1, 2)
        hidden = self.feed_forward_dropout(F.gelu(self.feed_forward_in(x)))
        ffn = self.feed_forward_output_dropout(self.feed_forward_out(hidden))
        return self.feed_forward_norm((x + ffn).transpose(1, 2)).transpose(1, 2), scores


class PatchTst(nn.Module):
    def __init__(self, lookback, horizon, d_model, heads, layers, ff, patch, stride, dropout=0.0):
        super().__init__()
        self.patch, self.stride, self.horizon, self.d_model = patch, stride, horizon, d_model
        self.num_patches = (lookback + stride - patch) // stride + 1
        self.patch_projection = nn.Linear(patch, d_model)
        self.pos_embedding = nn.Parameter(torch.empty(self.num_patches, d_model).uniform_(-0.02, 0.02))
        self.embedding_dropout = nn.Dropout(dropout)
        self.encoder = nn.ModuleList([EncoderLayer(d_model, heads, ff, dropout) for _ in range(layers)])
        self.head = nn.Linear(d_model * self.num_patches, horizon)

    def forward(self, x):
        b, _, c = x.shape
        with torch.no_grad():  # RevIN statistics, as in the C# WindowNormalizer
            scale = x.var(1, unbiased=False, keepdim=True).add_(1e-5).sqrt_()
            loc = x.mean(1, keepdim=True)
        xn = (x - loc) / scale
        series = xn.permute(0, 2, 1).reshape(b, c, x.shape[1])
        padded = F.pad(series, (0, self.stride), mode="replicate")
        patches = padded.reshape(b * c, padded.shape[2]).unfold(1, self.patch, self.stride)
        tokens = self.embedding_dropout(self.patch_projection(patches) + self.pos_embedding)
        scores = None
        for layer in self.encoder:
            tokens, scores = layer(tokens, scores)
        flat = tokens.reshape(b * c, self.num_patches * self.d_model)
        forecast = self.head(flat).view(b, c, self.horizon).permute(0, 2, 1)
        return forecast * scale + loc


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["lstm", "patchtst"], required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--channels", type=int, default=1)
    p.add_argument("--lookback", type=int, required=True)
    p.add_argument("--horizon", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--d-model", type=int, default=64)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--layers", type=int, default=2)
    p.add_argument("--ff", type=int, default=256)
    p.add_argument("--patch", type=int, default=4)
    p.add_argument("--stride", type=int, default=4)
    p.add_argument("--interval", type=int, default=5)
    p.add_argument("--ramp-steps", type=int, default=4000)
    p.add_argument("--prune", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--beta1", type=float, default=0.9)
    p.add_argument("--val-data", default=None)
    p.add_argument("--val-rows", type=int, default=0)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    if a.model == "lstm":
        model = RecurrentForecaster(a.channels, a.hidden, a.horizon, a.channels)
    else:
        model = PatchTst(a.lookback, a.horizon, a.d_model, a.heads, a.layers, a.ff, a.patch, a.stride, a.dropout)
    model.train()

    values = torch.from_file(a.data, shared=False, size=a.rows * a.channels, dtype=torch.float32)
    series = values.view(a.rows, a.channels)
    x_all = series.narrow(0, 0, a.rows - a.horizon).unfold(0, a.lookback, 1).transpose(1, 2)
    y_all = series.narrow(0, a.lookback, a.rows - a.lookback).unfold(0, a.horizon, 1).transpose(1, 2)
    windows = a.rows - a.lookback - a.horizon + 1

    def window_views(path, rows):
        v = torch.from_file(path, shared=False, size=rows * a.channels, dtype=torch.float32).view(rows, a.channels)
        vx = v.narrow(0, 0, rows - a.horizon).unfold(0, a.lookback, 1).transpose(1, 2)
        vy = v.narrow(0, a.lookback, rows - a.lookback).unfold(0, a.horizon, 1).transpose(1, 2)
        return vx, vy, rows - a.lookback - a.horizon + 1

    val_x, val_y, val_windows = window_views(a.val_data, a.val_rows) if a.val_data else (None, None, 0)

    prunable = [(m, n) for mn, m in model.named_modules() for n, prm in m.named_parameters(recurse=False)
                if prm.dim() >= 2 and "weight" in n]
    total = sum(getattr(m, n).numel() for m, n in prunable)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr, betas=(a.beta1, 0.999))
    gen = torch.Generator().manual_seed(a.seed + 12)
    state = {"order": None, "cursor": windows, "step": 0, "pruned": 0}
    n_params = sum(prm.numel() for prm in model.parameters())

    def target(step):
        return min(0.7, 0.3 + 0.4 * min(1.0, step / a.ramp_steps))

    def run(k):
        for _ in range(k):
            if state["cursor"] >= windows:
                state["order"] = torch.randperm(windows, generator=gen)
                state["cursor"] = 0
            count = min(a.batch, windows - state["cursor"])
            state["step"] += 1
            index = state["order"].narrow(0, state["cursor"], count)
            x = x_all.index_select(0, index)
            y = y_all.index_select(0, index)
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            if a.prune and state["step"] % a.interval == 0:
                need = int(math.floor(target(state["step"]) * total + 0.5)) - state["pruned"]
                if need > 0:
                    prune.global_unstructured(prunable, pruning_method=prune.L1Unstructured, amount=need)
                    state["pruned"] += need
            opt.step()
            loss.item()
            state["cursor"] += count

    def epoch():
        model.train()
        order = torch.randperm(windows, generator=gen)
        loss_sum = 0.0
        for start in range(0, windows, a.batch):
            index = order.narrow(0, start, min(a.batch, windows - start))
            x = x_all.index_select(0, index)
            y = y_all.index_select(0, index)
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            loss_sum += loss.item() * index.shape[0]
        val_sum, val_elements = 0.0, 0
        if val_windows > 0:
            model.eval()
            indices = torch.arange(val_windows, dtype=torch.int64)
            with torch.no_grad():
                for start in range(0, val_windows, a.batch):
                    index = indices.narrow(0, start, min(a.batch, val_windows - start))
                    y = val_y.index_select(0, index)
                    val_sum += F.mse_loss(model(val_x.index_select(0, index)), y, reduction="sum").item()
                    val_elements += y.numel()
            model.train()
        return loss_sum / windows, (val_sum / val_elements if val_elements else float("nan"))

    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "parameters": n_params, "prunable": total, "windows": windows,
                      "validation_windows": val_windows}), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd:
            continue
        if cmd[0] == "quit":
            break
        if cmd[0] == "run":
            t0 = time.perf_counter()
            run(int(cmd[1]))
            print(f"done {time.perf_counter() - t0:.9f} sparsity {state['pruned'] / total:.6f}", flush=True)
        if cmd[0] == "epoch":
            if len(cmd) > 1:
                torch.set_num_threads(int(cmd[1]))
            if len(cmd) > 2:
                for group in opt.param_groups:
                    group["lr"] = float(cmd[2])
            t0 = time.perf_counter()
            train_loss, val_loss = epoch()
            print(f"done {time.perf_counter() - t0:.9f} {train_loss:.6f} {val_loss:.6f}", flush=True)


if __name__ == "__main__":
    main()
