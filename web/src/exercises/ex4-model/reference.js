// Exercise 4's dynamic int8 forward pass written out in JavaScript, as the learner writes it (float64 arithmetic,
// NumPy's rounding), and the layers of a model as plain arrays (read from its file, docs/model-format.md), so that
// the checks can hand them to the learner's functions across a realm boundary. No DOM: the tasks, the runner
// worker and the Node tests import it.

/** np.round: half to even. */
export function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The layers of a model as plain, cloneable objects, read from its file (model.serialize()):
 * [{in, out, q: Int8Array (out × in, row-major) | null, weight: Float32Array | null, scales: Float32Array (1, or one
 * per output row; empty for fp32), bias: Float32Array}].
 */
export function layersOf(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(12, true);
  const layers = [];
  let at = 16;
  for (let l = 0; l < count; l++) {
    const inputs = view.getUint32(at, true);
    const out = view.getUint32(at + 4, true);
    const int8 = view.getUint32(at + 8, true) === 1;
    const scaleCount = view.getUint32(at + 12, true);
    at += 16;
    const scales = new Float32Array(scaleCount);
    for (let i = 0; i < scaleCount; i++) scales[i] = view.getFloat32(at + 4 * i, true);
    at += 4 * scaleCount;
    const n = inputs * out;
    let q = null;
    let weight = null;
    if (int8) {
      q = new Int8Array(bytes.slice(at, at + n).buffer);
      at += Math.ceil(n / 4) * 4;
    } else {
      weight = new Float32Array(n);
      for (let i = 0; i < n; i++) weight[i] = view.getFloat32(at + 4 * i, true);
      at += 4 * n;
    }
    const bias = new Float32Array(out);
    for (let i = 0; i < out; i++) bias[i] = view.getFloat32(at + 4 * i, true);
    at += 4 * out;
    layers.push({ in: inputs, out, q, weight, scales, bias });
  }
  return layers;
}

/** The largest magnitude. */
export function maxAbs(x) {
  let m = 0;
  for (const v of x) m = Math.max(m, Math.abs(v));
  return m;
}

/** Symmetric int8 quantization of an activation vector: {q: Int8Array, scale = max|x| / 127} (0 for a zero vector). */
export function quantizeVector(x) {
  const scale = maxAbs(x) / 127;
  const q = new Int8Array(x.length);
  if (scale > 0) for (let i = 0; i < x.length; i++) q[i] = Math.min(127, Math.max(-127, roundHalfEven(x[i] / scale)));
  return { q, scale };
}

/** The int32 sums of a layer: acc[r] = Σ_k xq[k] · q[r · in + k]. */
export function accumulators(xq, layer) {
  const acc = new Float64Array(layer.out);
  for (let r = 0; r < layer.out; r++) {
    let sum = 0;
    const row = r * layer.in;
    for (let k = 0; k < layer.in; k++) sum += xq[k] * layer.q[row + k];
    acc[r] = sum;
  }
  return acc;
}

/** The weight scale of output row r. */
export const rowScale = (layer, r) => layer.scales[layer.scales.length === 1 ? 0 : r];

/** y[r] = acc[r] · (s_x · s_W[r]) + b[r], in float64. */
export function int8Linear(xq, xScale, layer) {
  const acc = accumulators(xq, layer);
  return Float64Array.from(acc, (a, r) => a * (xScale * rowScale(layer, r)) + layer.bias[r]);
}

/** The whole dynamic int8 forward pass: each layer quantizes its input, ReLU between layers, none after the last. */
export function forwardInt8(x, layers) {
  let h = Float64Array.from(x);
  layers.forEach((layer, l) => {
    const { q, scale } = quantizeVector(h);
    h = int8Linear(q, scale, layer);
    if (l < layers.length - 1) h = h.map((v) => Math.max(0, v));
  });
  return h;
}
