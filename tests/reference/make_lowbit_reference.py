#!/usr/bin/env python3
"""Writes tests/cpp/lowbit_reference.hpp: group-wise quantization, NF4, GPTQ and AWQ as NumPy computes them.

Run once with Debian's NumPy (`apt install python3-numpy`; /usr/bin/python3) and commit the output; the tests
never need NumPy. Inputs come from NumPy's legacy generator through loops that the C++ tests repeat operation for
operation (tests/cpp/lowbit_data.hpp), so both sides start from the same bits; results are C hex literals.

GPTQ here is the algorithm of the paper written plainly, one column at a time with no lazy batches: a group's
scales come from the weights as they are when its first column comes up. The core's blocked version must agree
to float tolerance for any block size.
"""
import os
import sys

import numpy as np

from c_literals import INF, hexes, ints, wrap  # noqa: F401 (not every writer uses all)

OUT = os.path.join(os.path.dirname(__file__), "..", "cpp", "lowbit_reference.hpp")

NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
                -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
                0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                0.7229568362236023, 1.0], dtype=np.float32)


# --- inputs (tests/cpp/lowbit_data.hpp repeats these loops) ---
def weights(seed, rows, cols):
    """randn(rows * cols) * 0.1, rows scaled by 1 + (r % 3)."""
    np.random.seed(seed)
    z = np.random.randn(rows * cols)
    w = np.empty(rows * cols)
    for r in range(rows):
        for c in range(cols):
            w[r * cols + c] = z[r * cols + c] * 0.1 * (1 + r % 3)
    return w.reshape(rows, cols)


def inputs(seed, samples, cols, dead=()):
    """Correlated float32 inputs: x[c] = z[c] + 0.8 x[c - 1], every fifth input 4x larger, `dead` inputs 0."""
    np.random.seed(seed)
    z = np.random.randn(samples * cols)
    x = np.empty(samples * cols)
    for n in range(samples):
        prev = 0.0
        for c in range(cols):
            prev = z[n * cols + c] + 0.8 * prev
            v = prev * 4.0 if c % 5 == 0 else prev
            x[n * cols + c] = 0.0 if c in dead else v
    return x.astype(np.float32).reshape(samples, cols)


# --- the algorithms ---
def group_quantize(w, bits, group):
    """group: 'tensor', 'channel' or G."""
    qmax = 2 ** (bits - 1) - 1
    rows, cols = w.shape
    if group == "tensor":
        scales = np.array([np.max(np.abs(w)) / qmax])
        s_full = np.full(w.shape, scales[0])
    else:
        g = cols if group == "channel" else min(group, cols)
        starts = list(range(0, cols, g))
        scales = np.array([[np.max(np.abs(w[r, c:c + g])) / qmax for c in starts] for r in range(rows)])
        s_full = np.repeat(scales, g, axis=1)[:, :cols]
    q = np.where(s_full == 0, 0, np.clip(np.round(np.divide(w, s_full, out=np.zeros_like(w), where=s_full != 0)), -qmax, qmax))
    return q.astype(np.int64), scales, q * s_full


def nf4_quantize(w, block):
    rows, cols = w.shape
    mids = (NF4[:-1].astype(np.float64) + NF4[1:].astype(np.float64)) / 2
    codes = np.zeros(w.shape, dtype=np.int64)
    absmax = np.zeros((rows, (cols + block - 1) // block))
    for r in range(rows):
        for b, c in enumerate(range(0, cols, block)):
            seg = w[r, c:c + block]
            a = np.max(np.abs(seg))
            absmax[r, b] = a
            v = seg / a if a > 0 else np.zeros_like(seg)
            codes[r, c:c + block] = np.searchsorted(mids, v, side="left")  # ties to the lower level
    deq = NF4.astype(np.float64)[codes] * np.repeat(absmax, block, axis=1)[:, :cols]
    return codes, absmax, deq


def hessian(x):
    x = x.astype(np.float64)
    return 2 * x.T @ x


def gptq(w, h, bits, group, damp):
    w = w.copy()
    h = h.copy()
    rows, cols = w.shape
    dead = np.diag(h) == 0
    h[dead, dead] = 1
    w[:, dead] = 0
    h[np.diag_indices(cols)] += damp * np.mean(np.diag(h))
    u = np.linalg.cholesky(np.linalg.inv(h)).T  # upper, H^-1 = U^T U
    qmax = 2 ** (bits - 1) - 1
    g = cols if group in ("channel", "tensor") else min(group, cols)
    q = np.zeros((rows, cols), dtype=np.int64)
    scales = np.zeros((1,) if group == "tensor" else (rows, (cols + g - 1) // g))
    s = None
    for i in range(cols):
        if i % g == 0:
            if group == "tensor":
                scales[0] = np.max(np.abs(w)) / qmax
                s = np.full(rows, scales[0])
            else:
                s = np.max(np.abs(w[:, i:i + g]), axis=1) / qmax
                scales[:, i // g] = s
        col = w[:, i]
        qi = np.where(s == 0, 0, np.clip(np.round(np.divide(col, s, out=np.zeros_like(col), where=s != 0)), -qmax, qmax))
        q[:, i] = qi
        err = (col - qi * s) / u[i, i]
        w[:, i:] -= np.outer(err, u[i, i:])
    if group == "tensor":
        deq = q * scales[0]
    else:
        deq = q * np.repeat(scales, g, axis=1)[:, :cols]
    return q, scales, deq, u


def recon_error(w, w_hat, x):
    return float(np.sum(((w - w_hat) @ x.astype(np.float64).T) ** 2))


def awq(w, x, bits, group, alphas):
    mean_abs = np.mean(np.abs(x.astype(np.float64)), axis=0)
    errors, results = [], []
    for a in alphas:
        s = np.maximum(mean_abs ** a, 1e-4)
        q, scales, deq = group_quantize(w * s[None, :], bits, group)
        w_hat = deq / s[None, :]
        errors.append(recon_error(w, w_hat, x))
        results.append((q, scales, w_hat, s))
    best = int(np.argmin(errors))  # the first of equal errors: the smallest alpha
    return best, errors, results[best]


lines = []
emit = lines.append
emit("// Generated by tests/reference/make_lowbit_reference.py with NumPy %s; do not edit." % np.__version__)
emit("// Inputs: tests/cpp/lowbit_data.hpp (the same loops as the script). Floats as hex literals.")
emit("#pragma once")
emit("#include <cstdint>")
emit("namespace lowbit_ref {")

# Group-wise quantization: 5 x 40 weights, 3 bits, groups of 16 (the last of each row has 8).
w = weights(21, 5, 40)
for name, bits, group in (("g16_bits3", 3, 16), ("channel_bits4", 4, "channel"), ("tensor_bits2", 2, "tensor")):
    q, scales, deq = group_quantize(w, bits, group)
    emit("// weights(21, 5, 40), %d bits, %s" % (bits, group))
    emit("inline constexpr std::int32_t %s_q[] = {%s};" % (name, ints(q)))
    emit("inline constexpr double %s_scales[] = {%s};" % (name, hexes(scales)))
    emit("inline constexpr double %s_deq[] = {%s};" % (name, hexes(deq)))

# NF4: 3 x 100 weights, blocks of 64 (each row: one block of 64, one of 36).
w = weights(22, 3, 100)
codes, absmax, deq = nf4_quantize(w, 64)
emit("// weights(22, 3, 100), NF4 with blocks of 64")
emit("inline constexpr std::uint8_t nf4_codes[] = {%s};" % ints(codes))
emit("inline constexpr double nf4_absmax[] = {%s};" % hexes(absmax))
emit("inline constexpr double nf4_deq[] = {%s};" % hexes(deq))

# GPTQ on three small layers.
cases = [
    # name, weight seed, rows, cols, input seed, samples, dead inputs, bits, group, damp
    ("channel3", 31, 8, 48, 32, 96, (), 3, "channel", 0.01),
    ("g16_bits4", 33, 6, 40, 34, 80, (5, 17), 4, 16, 0.01),
    ("tensor2", 35, 4, 24, 36, 50, (), 2, "tensor", 0.1),
]
for name, ws, rows, cols, xs, samples, dead, bits, group, damp in cases:
    w = weights(ws, rows, cols)
    x = inputs(xs, samples, cols, dead)
    h = hessian(x)
    q, scales, deq, u = gptq(w, h, bits, group, damp)
    rq, rs, rdeq = group_quantize(w, bits, group)
    emit("// GPTQ: weights(%d, %d, %d), inputs(%d, %d, %d, dead %s), %d bits, %s, damp %g"
         % (ws, rows, cols, xs, samples, cols, list(dead), bits, group, damp))
    emit("inline constexpr std::int32_t gptq_%s_q[] = {%s};" % (name, ints(q)))
    emit("inline constexpr double gptq_%s_scales[] = {%s};" % (name, hexes(scales)))
    emit("inline constexpr double gptq_%s_deq[] = {%s};" % (name, hexes(deq)))
    emit("inline constexpr double gptq_%s_error = %s;  // %r" % (name, float.hex(recon_error(w, deq, x)), recon_error(w, deq, x)))
    emit("inline constexpr double gptq_%s_rtn_error = %s;  // %r" % (name, float.hex(recon_error(w, rdeq, x)), recon_error(w, rdeq, x)))
    if name == "tensor2":
        emit("inline constexpr double gptq_%s_hessian_diag[] = {%s};" % (name, hexes(np.diag(h))))
        emit("inline constexpr double gptq_%s_factor[] = {%s};" % (name, hexes(u)))

# AWQ: 6 x 30 weights, inputs with every fifth channel 4x larger, 3 bits per channel and 4 bits groups of 16.
w = weights(41, 6, 30)
x = inputs(42, 64, 30)
alphas = [i / 20 for i in range(21)]
for name, bits, group in (("channel3", 3, "channel"), ("g16_bits4", 4, 16)):
    best, errors, (q, scales, w_hat, s) = awq(w, x, bits, group, alphas)
    emit("// AWQ: weights(41, 6, 30), inputs(42, 64, 30), %d bits, %s, alpha = 0, 0.05, ..., 1" % (bits, group))
    emit("inline constexpr double awq_%s_alpha = %s;" % (name, float.hex(alphas[best])))
    emit("inline constexpr double awq_%s_errors[] = {%s};" % (name, hexes(errors)))
    emit("inline constexpr double awq_%s_input_scales[] = {%s};" % (name, hexes(s)))
    emit("inline constexpr std::int32_t awq_%s_q[] = {%s};" % (name, ints(q)))
    emit("inline constexpr double awq_%s_deq[] = {%s};" % (name, hexes(w_hat)))

emit("}  // namespace lowbit_ref")
with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote", os.path.normpath(OUT), file=sys.stderr)
