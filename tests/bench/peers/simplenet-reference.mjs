// Plain-JS references for SimpleNet (784 -> 256 -> ReLU -> 10), PyTorch nn.Linear layout, batch 1, used to
// validate the onnxruntime peer before it is timed.
//
//   referenceForwardFp32(weights, input)       fp32 forward: float64 sums, rounded to float32 per layer.
//   emulateInt8DynamicForward(weights, input, {perChannel})
//                                              the int8 graph of onnx-simplenet.mjs, op by op, as the ONNX
//                                              spec defines it (DynamicQuantizeLinear, MatMulInteger, ...).
//   makeSimpleNetWeights(seed)                 weights like nn.Linear's default init, from a seeded generator.
//   makeInput(seed)                            a random 784-pixel input, normalised like MNIST.
//   xorshift32(seed)                           the small seeded generator behind both.

import { IN, HIDDEN, OUT, quantizeWeightSymmetric, roundHalfEven, transpose } from './onnx-simplenet.mjs';

// y[o] = fround(b[o] + sum_i w[o, i] x[i]), w is [out, in].
function linear(w, b, x, outF, inF) {
  const y = new Float32Array(outF);
  for (let o = 0; o < outF; o++) {
    let s = 0;
    for (let i = 0; i < inF; i++) s += w[o * inF + i] * x[i];
    y[o] = s + b[o];
  }
  return y;
}

export function referenceForwardFp32({ fc1Weight, fc1Bias, fc2Weight, fc2Bias }, input) {
  const h = linear(fc1Weight, fc1Bias, input, HIDDEN, IN).map((v) => Math.max(v, 0));
  return linear(fc2Weight, fc2Bias, h, OUT, HIDDEN);
}

// ONNX DynamicQuantizeLinear: uint8, range extended to include 0, scale = (max - min) / 255,
// zero point = saturate(round(-min / scale)), q = saturate(round(x / scale) + zero point), round half to even.
export function dynamicQuantizeLinear(x) {
  let lo = 0;
  let hi = 0;
  for (const v of x) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const scale = Math.fround((hi - lo) / 255);
  const sat = (v) => Math.min(255, Math.max(0, v));
  const zeroPoint = scale === 0 ? 0 : sat(roundHalfEven(Math.fround(-lo / scale)));
  const q = Uint8Array.from(x, (v) => (scale === 0 ? zeroPoint : sat(roundHalfEven(Math.fround(v / scale)) + zeroPoint)));
  return { q, scale, zeroPoint };
}

// One quantize_dynamic layer: DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul(x_scale * w_scale) -> Add.
function int8Linear(w, b, x, outF, inF, perChannel) {
  const { q: wq, scales } = quantizeWeightSymmetric(transpose(w, outF, inF), inF, outF, perChannel);
  const { q: xq, scale: xScale, zeroPoint: xZp } = dynamicQuantizeLinear(x);
  const y = new Float32Array(outF);
  for (let o = 0; o < outF; o++) {
    let acc = 0; // int32, exact
    for (let i = 0; i < inF; i++) acc += (xq[i] - xZp) * wq[i * outF + o];
    const scale = Math.fround(xScale * scales[perChannel ? o : 0]);
    y[o] = Math.fround(Math.fround(acc) * scale) + b[o];
  }
  return y;
}

export function emulateInt8DynamicForward({ fc1Weight, fc1Bias, fc2Weight, fc2Bias }, input, { perChannel = false } = {}) {
  const h = int8Linear(fc1Weight, fc1Bias, input, HIDDEN, IN, perChannel).map((v) => Math.max(v, 0));
  return int8Linear(fc2Weight, fc2Bias, h, OUT, HIDDEN, perChannel);
}

// Marsaglia's xorshift32: a tiny seeded generator of floats in [0, 1), reproducible across runs.
export function xorshift32(seed) {
  let s = (seed ^ 0x9e3779b9) >>> 0 || 1; // the state must not be 0
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

// nn.Linear's default init: weight and bias uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)).
export function makeSimpleNetWeights(seed = 0) {
  const rand = xorshift32(seed);
  const uniform = (n, fanIn) => Float32Array.from({ length: n }, () => (2 * rand() - 1) / Math.sqrt(fanIn));
  return {
    fc1Weight: uniform(HIDDEN * IN, IN),
    fc1Bias: uniform(HIDDEN, IN),
    fc2Weight: uniform(OUT * HIDDEN, HIDDEN),
    fc2Bias: uniform(OUT, HIDDEN),
  };
}

// A 28 x 28 image of uniform pixels in [0, 1), normalised like MNIST ((p - 0.1307) / 0.3081): it has
// negative values, so DynamicQuantizeLinear's zero point is not 0 on the first layer.
export function makeInput(seed = 1) {
  const rand = xorshift32(seed);
  return Float32Array.from({ length: IN }, () => (rand() - 0.1307) / 0.3081);
}

/** The largest |a[i] - b[i]|. */
export const maxAbsDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

export function argmax(v) {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
