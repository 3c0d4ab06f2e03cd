// Exercise 0's data, shared by its page, its tasks and its registry entry: the formats it shows, the URL
// parameters' types, the weight variants the accuracy measurement runs, and the memory calculator's presets.
import { parseNumber } from '../../app/params.js';

/** The float formats the page takes apart, in the order of their rows. */
export const FLOAT_FORMATS = Object.freeze(['float32', 'float16', 'bfloat16', 'fp8-e4m3', 'fp8-e5m2']);

export const FORMAT_LABELS = Object.freeze({
  float32: 'float32',
  float16: 'float16',
  bfloat16: 'bfloat16',
  'fp8-e4m3': 'fp8 E4M3',
  'fp8-e5m2': 'fp8 E5M2',
  int8: 'int8',
  int4: 'int4',
});

/**
 * A URL parameter holding one finite number within ±limit (the typed number, or a model's parameter count in
 * billions). A list type would be one number in brackets; this keeps the link short: #/ex0?x=0.1.
 */
export const oneNumber = ({ min = -Infinity, max = Infinity, limit = 3.4028234663852886e38, def }) => ({
  def,
  min,
  max,
  parse(text) {
    const v = parseNumber(text, limit);
    return v !== undefined && v >= min && v <= max ? v : undefined;
  },
  format: (v) => (Object.is(v, -0) ? '-0' : String(v)),
});

/** Numbers worth typing, as buttons beside the input: each shows something. */
export const EXAMPLES = Object.freeze([
  { value: 0.1, why: 'not exact in any format' },
  { value: 3.14159, why: 'π, roughly' },
  { value: 448, why: 'E4M3’s largest' },
  { value: 500, why: 'beyond E4M3: saturates' },
  { value: 70000, why: 'beyond float16' },
  { value: 0.001, why: 'an fp8 subnormal' },
  { value: 1e-8, why: 'below float16' },
]);

/**
 * What the accuracy measurement runs on the trained SimpleNet: the weights stored in each format and read back.
 * scale (modelWithWeightsIn): 'none' is a plain cast; 'tensor' one amax scale per weight tensor; 'channel' one per
 * output channel. Activations stay float32 in every variant.
 */
export const WEIGHT_VARIANTS = Object.freeze([
  { id: 'fp32', format: 'float32', scale: 'none', label: 'float32 (as trained)' },
  { id: 'fp16', format: 'float16', scale: 'none', label: 'float16' },
  { id: 'bf16', format: 'bfloat16', scale: 'none', label: 'bfloat16' },
  { id: 'e4m3', format: 'fp8-e4m3', scale: 'tensor', label: 'fp8 E4M3, scale per tensor' },
  { id: 'e5m2', format: 'fp8-e5m2', scale: 'tensor', label: 'fp8 E5M2, scale per tensor' },
  { id: 'int8t', format: 'int8', scale: 'tensor', label: 'int8, scale per tensor' },
  { id: 'int8c', format: 'int8', scale: 'channel', label: 'int8, scale per channel' },
]);

/** The memory calculator: model sizes in billions of parameters, and common accelerator memory sizes in GB. */
export const MODEL_SIZES = Object.freeze([0.5, 1, 3, 7, 8, 13, 34, 70]);
export const MEMORY_GB = Object.freeze([8, 16, 24, 80]);
/** Formats in the calculator, largest first. */
export const MEMORY_FORMATS = Object.freeze(['float32', 'float16', 'bfloat16', 'fp8-e4m3', 'int8', 'int4']);

/** Bytes the weights of `billions` × 10^9 parameters take in a format of `bytes` bytes per parameter. */
export const weightBytes = (billions, bytes) => billions * 1e9 * bytes;
