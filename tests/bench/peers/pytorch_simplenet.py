#!/usr/bin/env python3
"""The notebook's exercise 4 in PyTorch, as a benchmark peer: SimpleNet (784 -> 256 -> ReLU -> 10),
torch.quantization.quantize_dynamic({nn.Linear}, qint8), batch-1 forwards timed in runs of 1000 as the
notebook does, but warmed up and repeated so the median is reported. Prints one JSON object.

Optional: needs Debian's python3-torch (run with /usr/bin/python3). Exits with status 3 and a message on
stderr when torch is missing, so the harness can say so and skip it.
"""
import io
import json
import statistics
import sys
import time

try:
    import torch
    import torch.nn as nn
except ImportError:
    print("PyTorch is not installed: apt install python3-torch (the benchmark skips this peer)", file=sys.stderr)
    sys.exit(3)


class SimpleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 256)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(x)))


def state_dict_bytes(model):
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.tell()


def median_us_per_forward(model, x, runs=1000, batches=15, warmup=100):
    with torch.no_grad():
        for _ in range(warmup):
            model(x)
        samples = []
        for _ in range(batches):
            start = time.perf_counter()
            for _ in range(runs):
                model(x)
            samples.append((time.perf_counter() - start) / runs * 1e6)
    return statistics.median(samples), min(samples)


def main():
    torch.manual_seed(0)
    model = SimpleNet().eval()
    quantized = torch.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    x = torch.randn(1, 784)
    result = {
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "quantized_engine": torch.backends.quantized.engine,
        "size_fp32_bytes": state_dict_bytes(model),
        "size_int8_bytes": state_dict_bytes(quantized),
    }
    with torch.no_grad():
        result["max_abs_diff"] = float((model(x) - quantized(x)).abs().max())
    for threads in sorted({result["threads"], 1}, reverse=True):
        torch.set_num_threads(threads)
        suffix = "" if threads == result["threads"] else "_1thread"
        result["fp32_us" + suffix], result["fp32_min_us" + suffix] = median_us_per_forward(model, x)
        result["int8_us" + suffix], result["int8_min_us" + suffix] = median_us_per_forward(quantized, x)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
