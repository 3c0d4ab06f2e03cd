"""One-off cross-check, step 2 of 2 (not part of the tests; the benchmark itself needs no Python).

Reads what dump-ort-outputs.mjs wrote and checks, independently of the JS code:
  1. the ONNX files: onnx.checker (with shape inference), opset, IR version, the ops of each graph;
  2. the int8 weights in the files against a NumPy re-quantization of the PyTorch-layout weights, done the
     way onnxruntime's quantize_dynamic does it (symmetric int8, scale = max|w| / 127, zero point 0);
  3. onnxruntime-web's outputs against a NumPy implementation of the ONNX ops of the int8 graph
     (DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul -> Add, ReLU) and against fp32 NumPy / PyTorch;
  4. for comparison only, PyTorch's own quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8).

    /usr/bin/python3 tests/bench/peers/crosscheck/check-with-numpy.py [folder = /tmp/ort-crosscheck]
Uses Debian's python3-numpy, python3-onnx and python3-torch.
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

folder = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ort-crosscheck")
data = json.loads((folder / "data.json").read_text())
w = {k: np.asarray(v, dtype=np.float32) for k, v in data["weights"].items()}
W1, b1 = w["fc1Weight"].reshape(256, 784), w["fc1Bias"]
W2, b2 = w["fc2Weight"].reshape(10, 256), w["fc2Bias"]
X = np.asarray(data["inputs"], dtype=np.float32)
ort_out = {k: np.asarray(v, dtype=np.float32) for k, v in data["outputs"].items()}
print(f"onnxruntime-web {data['version']}, {len(X)} inputs")

# 1. the files
for name in ort_out:
    m = onnx.load(folder / f"{name}.onnx")
    onnx.checker.check_model(m, full_check=True)
    ops = " ".join(n.op_type for n in m.graph.node)
    print(f"{name}: checker OK, ir_version {m.ir_version}, opset {m.opset_import[0].version}, ops: {ops}")


# 2. the weights, quantized like onnxruntime.quantization.quantize_dynamic (QInt8, symmetric)
def quantize_weight(wt, per_channel):  # wt is the MatMul weight [in, out]
    absmax = np.abs(wt).max(axis=0) if per_channel else np.abs(wt).max()
    scale = (absmax / np.float32(127)).astype(np.float32)
    q = np.clip(np.rint(wt / scale), -127, 127).astype(np.int8)
    return q, scale


for name, per_channel in [("int8_per_tensor", False), ("int8_per_channel", True)]:
    inits = {t.name: numpy_helper.to_array(t) for t in onnx.load(folder / f"{name}.onnx").graph.initializer}
    for layer, W in [("fc1", W1), ("fc2", W2)]:
        q, scale = quantize_weight(W.T, per_channel)
        same_q = np.array_equal(q, inits[f"{layer}.weight_quantized"])
        same_s = np.array_equal(scale, inits[f"{layer}.weight_scale"])
        zp0 = not inits[f"{layer}.weight_zero_point"].any()
        print(f"{name} {layer}: int8 weights equal NumPy's: {same_q}, scales equal: {same_s}, zero points 0: {zp0}")
        assert same_q and same_s and zp0


# 3. the ONNX ops in NumPy
def dynamic_quantize_linear(x):  # ONNX DynamicQuantizeLinear, uint8
    lo, hi = min(np.float32(0), x.min()), max(np.float32(0), x.max())
    scale = np.float32((hi - lo) / np.float32(255))
    zp = np.uint8(np.clip(np.rint(-lo / scale), 0, 255))
    q = np.clip(np.rint(x / scale) + zp, 0, 255).astype(np.uint8)
    return q, scale, zp


def int8_linear(x, W, b, per_channel):
    wq, w_scale = quantize_weight(W.T, per_channel)
    xq, x_scale, x_zp = dynamic_quantize_linear(x)
    acc = (xq.astype(np.int32) - np.int32(x_zp)) @ wq.astype(np.int32)  # MatMulInteger
    return acc.astype(np.float32) * (x_scale * w_scale).astype(np.float32) + b  # Cast, Mul, Mul, Add


def int8_forward(x, per_channel):
    return int8_linear(np.maximum(int8_linear(x, W1, b1, per_channel), 0), W2, b2, per_channel)


def fp32_forward(x):
    return np.maximum(x @ W1.T + b1, 0) @ W2.T + b2


ref = np.stack([fp32_forward(x.astype(np.float64)) for x in X])
for name in ["fp32_matmul", "fp32_gemm"]:
    print(f"{name}: max |ORT - NumPy float64| = {np.abs(ort_out[name] - ref).max():.3g}")
for name, per_channel in [("int8_per_tensor", False), ("int8_per_channel", True)]:
    emu = np.stack([int8_forward(x, per_channel) for x in X])
    d_emu = np.abs(ort_out[name] - emu).max()
    d_fp32 = np.abs(ort_out[name] - ref).max()
    agree = (ort_out[name].argmax(1) == ref.argmax(1)).sum()
    print(f"{name}: max |ORT - NumPy ONNX-op emulation| = {d_emu:.3g}; max |ORT int8 - fp32| = {d_fp32:.3g}; "
          f"argmax agrees {agree}/{len(X)}")

# 4. PyTorch, for comparison
try:
    import torch
    from torch import nn

    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(W1))
        model[0].bias.copy_(torch.from_numpy(b1))
        model[2].weight.copy_(torch.from_numpy(W2))
        model[2].bias.copy_(torch.from_numpy(b2))
        t_fp32 = model(torch.from_numpy(X)).numpy()
        qmodel = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
        t_int8 = qmodel(torch.from_numpy(X)).numpy()
    print(f"PyTorch {torch.__version__} ({torch.backends.quantized.engine}): "
          f"max |ORT fp32 - torch fp32| = {np.abs(ort_out['fp32_matmul'] - t_fp32).max():.3g}; "
          f"max |ORT int8 - torch quantize_dynamic| = {np.abs(ort_out['int8_per_tensor'] - t_int8).max():.3g}; "
          f"max |torch int8 - fp32| = {np.abs(t_int8 - t_fp32).max():.3g}")
except ImportError:
    print("PyTorch is not installed: step 4 skipped")
