// Exercise 7's configurations, shared by its page, its data job (jobs.js) and its registry entry: a bit width, a
// scale granularity and a grid (uniform levels or NF4) per layer, what each costs in bytes, and which of them the
// core runs on its own kernels (the rest are measured with their dequantized weights in float32).

/** The `gran` parameter: one scale for the whole tensor, per output channel (row), or per G weights of a row. */
export const GRANULARITIES = Object.freeze({
  tensor: { label: 'per tensor', short: 'tensor', groupSize: 'tensor' },
  channel: { label: 'per channel', short: 'channel', groupSize: 'channel' },
  g128: { label: 'groups of 128', short: 'g128', groupSize: 128 },
  g64: { label: 'groups of 64', short: 'g64', groupSize: 64 },
  g32: { label: 'groups of 32', short: 'g32', groupSize: 32 },
  g16: { label: 'groups of 16', short: 'g16', groupSize: 16 },
});
export const GRANULARITY_IDS = Object.freeze(Object.keys(GRANULARITIES));

/** The `grid` parameter: evenly spaced signed levels, or QLoRA's 16 normal-float levels (4 bits only). */
export const GRIDS = Object.freeze({ uniform: 'uniform levels (int)', nf4: 'NF4 (normal float)' });
export const GRID_IDS = Object.freeze(Object.keys(GRIDS));

/** The `last` parameter: the last layer's bit width, 'same' as the first layer or its own (mixed precision). */
export const LAST_IDS = Object.freeze(['same', '2', '3', '4', '5', '6', '7', '8']);

/** SimpleNet's layers, rows × cols (out × in). */
export const LAYERS = Object.freeze([{ rows: 256, cols: 784 }, { rows: 10, cols: 256 }]);

/** Noise of an accuracy near 87% over 10,000 test images, in points (one standard error is about 0.33). */
export const NOISE_POINTS = 0.3;

/**
 * The layers' schemes for the page's parameters: [{grid: 'uniform' | 'nf4', bits, gran}, …]. NF4 is 4 bits with an
 * absmax per block of a row (per channel: a block is the row), so NF4 per tensor falls back to per channel. The
 * last layer takes `last` bits on uniform levels when mixed.
 */
export function layerSchemes({ bits, gran, grid, last = 'same' }) {
  const nf4 = grid === 'nf4';
  const first = { grid: nf4 ? 'nf4' : 'uniform', bits: nf4 ? 4 : bits, gran: nf4 && gran === 'tensor' ? 'channel' : gran };
  const second = last === 'same' ? { ...first } : { grid: 'uniform', bits: Number(last), gran };
  return [first, second];
}

/** A scheme in a few words: "4-bit g64", "NF4 g64", "8-bit channel". */
export const schemeText = (s) => `${s.grid === 'nf4' ? 'NF4' : `${s.bits}-bit`} ${GRANULARITIES[s.gran].short}`;

/** A model's schemes in a few words: "4-bit g64", or "4-bit g64 + 8-bit channel" when the layers differ. */
export function configText(schemes) {
  const texts = schemes.map(schemeText);
  return texts.every((t) => t === texts[0]) ? texts[0] : texts.join(' + ');
}

const groupLength = (gran, cols) => {
  const g = GRANULARITIES[gran].groupSize;
  return g === 'tensor' || g === 'channel' ? cols : Math.min(g, cols);
};

/**
 * How the core stores and runs a layer: {kind: 'lowbit' | 'int8' | 'nf4', options} for quantizeWeights, or null
 * when the lab has no kernel and no file layout for it (5–7 bits, or 8 bits with groups).
 */
export function kernelLayer(s, { cols } = LAYERS[0]) {
  const groupSize = GRANULARITIES[s.gran].groupSize;
  if (s.grid === 'nf4') return { kind: 'nf4', options: { method: 'nf4', blockSize: groupLength(s.gran, cols) } };
  if (s.bits <= 4) return { kind: 'lowbit', options: { method: 'rtn', bits: s.bits, groupSize } };
  if (s.bits === 8 && typeof groupSize === 'string') return { kind: 'int8', options: { method: 'rtn', bits: 8, groupSize } };
  return null;
}

/** Bytes of one layer's weights and scales: values bit-packed row by row, one float32 per scale (or absmax). */
export function layerPayload(s, { rows, cols }) {
  const valueBytes = s.grid === 'nf4' || s.bits < 8 ? rows * Math.ceil((cols * s.bits) / 8) : rows * cols;
  const scales = s.gran === 'tensor' ? 1 : rows * Math.ceil(cols / groupLength(s.gran, cols));
  return { valueBytes, scaleBytes: 4 * scales };
}

/**
 * The model file's size for these schemes, as model format 2 lays it out (docs/model-format.md): a 16-byte header,
 * per layer 28 bytes of header, the scales, the weights padded to 4 bytes and the float32 bias, and a 4-byte CRC.
 * A model whose layers are all int8 is written in format 1 (16-byte layer headers). For the layouts the core
 * stores, this equals serialize()'s length (the node test checks it); for 5–7 bits it is the same layout computed.
 */
export function modelBytes(schemes, layers = LAYERS) {
  const v1 = schemes.every((s) => kernelLayer(s)?.kind === 'int8');
  let total = 16 + 4;
  schemes.forEach((s, i) => {
    const { valueBytes, scaleBytes } = layerPayload(s, layers[i]);
    total += (v1 ? 16 : 28) + scaleBytes + 4 * Math.ceil(valueBytes / 4) + 4 * layers[i].rows;
  });
  return total;
}

/** Bits per weight over the whole model (values and scales), for the texts. */
export function bitsPerWeight(schemes, layers = LAYERS) {
  let bytes = 0;
  let weights = 0;
  schemes.forEach((s, i) => {
    const { valueBytes, scaleBytes } = layerPayload(s, layers[i]);
    bytes += valueBytes + scaleBytes;
    weights += layers[i].rows * layers[i].cols;
  });
  return (8 * bytes) / weights;
}
