// How closely an int8 model follows its float32 original, measured one way for the lab's page (exercise 4), its
// checks and the benchmark: the same inputs, the same top class, the same largest difference.

/** Input k of a measurement is np.random.seed(AGREEMENT_INPUT_SEED + k); np.random.randn(784), as float32. */
export const AGREEMENT_INPUT_SEED = 1000;

/** The index of the largest value (the first one on a tie), as np.argmax. */
export function argmax(values) {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** The `count` inputs of a measurement: Float32Arrays of `size` values, from NumPy's seeded randn. */
export function agreementInputs(lab, count, { seed = AGREEMENT_INPUT_SEED, size = 784 } = {}) {
  return Array.from({ length: count }, (_, k) => Float32Array.from(lab.randn(seed + k, size)));
}

/**
 * Runs `a` and `b` (usually the float32 model and its int8 copy) on `count` seeded inputs. Returns
 * {inputs, maxAbsDiff: the largest |a − b| over every output, maxSignedDiff: the largest a − b, argmaxAgree: on
 * how many inputs both pick the same top class}.
 */
export function measureAgreement(lab, a, b, { count = 100, seed = AGREEMENT_INPUT_SEED } = {}) {
  let maxAbsDiff = 0;
  let maxSignedDiff = -Infinity;
  let argmaxAgree = 0;
  for (const x of agreementInputs(lab, count, { seed, size: a.inputSize })) {
    const ya = a.forward(x);
    const yb = b.forward(x);
    for (let i = 0; i < ya.length; i++) {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ya[i] - yb[i]));
      maxSignedDiff = Math.max(maxSignedDiff, ya[i] - yb[i]);
    }
    if (argmax(ya) === argmax(yb)) argmaxAgree += 1;
  }
  return { inputs: count, maxAbsDiff, maxSignedDiff, argmaxAgree };
}
