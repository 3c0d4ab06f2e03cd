#!/usr/bin/env bash
# Trains SimpleNet (784 -> 256 -> ReLU -> 10) on Fashion-MNIST natively with the core's trainer and writes what
# the repository keeps in web/data/ (docs/data-and-training.md): the model file, its provenance (seed, epochs,
# batch, optimizer, accuracy, time), the calibration subset and the training subset for QAT. Training is
# deterministic: the same command on this code gives the same model bytes. Not part of build.sh or the tests: run it when the trainer or the recipe
# changes, then commit web/data/.
#   build-scripts/train.sh            train and write web/data/
#   build-scripts/train.sh --verify   train into build/train/ and compare with the committed files
set -euo pipefail
cd "$(dirname "$0")/.."

# The recipe (PyTorch's reference run used the same: Adam 1e-3, batch 128, 8 epochs).
RECIPE=(--seed 0 --epochs 8 --batch 128 --optimizer adam --lr 0.001)
DATA=${QUANTLAB_FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}

out=web/data
if [ "${1:-}" = --verify ]; then
  out=build/train
elif [ $# -gt 0 ]; then
  echo "usage: build-scripts/train.sh [--verify]" >&2
  exit 2
fi

QUANTLAB_JOBS=${QUANTLAB_JOBS:-1} ./build-scripts/build.sh native
mkdir -p "$out"
build/native/cpp/tools/quantlab_train train --data "$DATA" --out "$out" "${RECIPE[@]}"

if [ "$out" = build/train ]; then
  status=0
  for f in simplenet-fashion.qlmodel fashion-mnist-calibration-images.idx3.gz fashion-mnist-calibration-labels.idx1.gz \
           fashion-mnist-train-subset-images.idx3.gz fashion-mnist-train-subset-labels.idx1.gz; do
    if cmp -s "web/data/$f" "$out/$f"; then
      echo "[train] $f: the same bytes as the committed web/data/$f"
    else
      echo "[train] $f: DIFFERENT from the committed web/data/$f"
      status=1
    fi
  done
  exit $status
fi
echo "[train] commit web/data/ to ship the new model"
