// Exercise 7's data job (run in ../../data/worker.js): the trained SimpleNet's weights below 8 bits, measured on
// the 10,000 test images. Each configuration (a scheme per layer: bits, granularity, uniform or NF4) becomes a
// model; its accuracy is evaluate()'s and its size the model file's bytes.
//
// Where the core has the layout (2–4 bits on the packed-int4 kernels, 8 bits as int8 per tensor or per channel,
// NF4), the model is quantizeWeights()'s and the size is serialize()'s length. 5–7 bits, and 8 bits in groups,
// have no kernel and no file layout in the lab: such a layer's weights are quantized with groupQuantize(),
// dequantized, and run in float32 (activations stay float32 there, which the docs measure as within 0.1 points of
// int8 activations), and the size is computed for model format 2's layout (data.js's modelBytes).
import { kernelLayer, LAYERS, layerSchemes, modelBytes, bitsPerWeight, configText, GRANULARITIES } from './data.js';

let crcTable = null;
/** CRC-32 (IEEE 802.3, zlib's crc32), as the model file ends with. */
function crc32(bytes) {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The weights of an fp32 model file of format 1 (docs/model-format.md): [{rows, cols, offset, w: Float32Array}],
 * offset being where the layer's weights start in `bytes`.
 */
export function fp32Layers(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== 1) throw new Error('the trained model should be a float32 file of format 1');
  const count = view.getUint32(12, true);
  const layers = [];
  let at = 16;
  for (let l = 0; l < count; l++) {
    const cols = view.getUint32(at, true);
    const rows = view.getUint32(at + 4, true);
    if (view.getUint32(at + 8, true) !== 0) throw new Error('the trained model should have float32 layers');
    const scales = view.getUint32(at + 12, true);
    at += 16 + 4 * scales;
    layers.push({ rows, cols, offset: at, w: new Float32Array(bytes.slice(at, at + 4 * rows * cols).buffer) });
    at += 4 * rows * cols + 4 * rows;
  }
  return layers;
}

/** The fp32 file `bytes` with layer l's weights replaced by replacements[l] (when given), checksum renewed. */
function withWeights(bytes, layers, replacements) {
  const out = bytes.slice();
  replacements.forEach((w, l) => {
    if (w) new Uint8Array(out.buffer, out.byteOffset + layers[l].offset, 4 * w.length).set(new Uint8Array(Float32Array.from(w).buffer));
  });
  new DataView(out.buffer, out.byteOffset).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

/** One configuration's model, accuracy and size; the models it makes are freed before it returns. */
function measure(lab, fp32, fp32Bytes, layers, test, params) {
  const schemes = layerSchemes(params);
  const kernels = schemes.map((s, l) => kernelLayer(s, layers[l]));
  const simulated = kernels.map((k) => k === null);
  const made = [];
  const keep = (m) => { made.push(m); return m; };
  try {
    let base = fp32;
    if (simulated.some(Boolean)) {
      const replaced = schemes.map((s, l) => {
        if (!simulated[l]) return null;
        const { rows, cols, w } = layers[l];
        const groupSize = GRANULARITIES[s.gran].groupSize;
        const g = lab.groupQuantize(w, rows, cols, { bits: s.bits, groupSize });
        return lab.groupDequantize(g.q, g.scales, rows, cols, { groupSize });
      });
      base = keep(lab.loadModel(withWeights(fp32Bytes, layers, replaced)));
    }
    const model = kernels.some(Boolean) ? keep(lab.quantizeWeights(base, { layers: kernels.map((k) => (k ? k.options : 'fp32')) })) : base;
    const accuracy = lab.evaluate(model, test).accuracy;
    const computed = modelBytes(schemes, layers);
    const fileBytes = simulated.some(Boolean) ? null : model.serialize().length;
    if (fileBytes !== null && fileBytes !== computed) throw new Error(`the model file has ${fileBytes} bytes but its layout gives ${computed}`);
    return {
      params: { ...params }, label: configText(schemes), schemes, mixed: configText(schemes).includes('+'),
      accuracy, bytes: computed, fromFile: fileBytes !== null, simulated, bitsPerWeight: bitsPerWeight(schemes, layers),
    };
  } finally {
    for (const m of made) m.delete();
  }
}

export default {
  /**
   * params: {configs: [{bits, gran, grid, last}, …], references: boolean}. With references: float32's and int8's
   * (per channel) accuracy and file size, and the float32 weights of both layers (for the page's histograms).
   */
  async measure(ctx) {
    const { lab } = ctx;
    const configs = Array.isArray(ctx.params.configs) ? ctx.params.configs : [];
    const test = ctx.dataset('test');
    const fp32 = ctx.model();
    const fp32Bytes = fp32.serialize();
    const layers = fp32Layers(fp32Bytes);
    if (layers.length !== LAYERS.length || layers.some((l, i) => l.rows !== LAYERS[i].rows || l.cols !== LAYERS[i].cols)) {
      throw new Error('the trained model is not the 784 → 256 → 10 SimpleNet this page expects');
    }
    const steps = configs.length + (ctx.params.references ? 2 : 0);
    let done = 0;
    const step = (text) => ctx.progress(0.02 + (0.98 * done++) / steps, text);
    const result = { points: [] };
    if (ctx.params.references) {
      step('Evaluating float32 on the 10,000 test images…');
      result.fp32 = { accuracy: lab.evaluate(fp32, test).accuracy, bytes: fp32Bytes.length };
      step('Evaluating int8 (per channel) on the 10,000 test images…');
      const int8 = ctx.own(lab.quantizeDynamic(fp32, { perChannel: true }));
      result.int8 = { accuracy: lab.evaluate(int8, test).accuracy, bytes: int8.serialize().length };
      result.weights = layers.map(({ rows, cols, w }) => ({ rows, cols, w }));
    }
    for (const params of configs) {
      step(`Quantizing to ${configText(layerSchemes(params))} and evaluating on the 10,000 test images…`);
      result.points.push(measure(lab, fp32, fp32Bytes, layers, test, params));
    }
    ctx.progress(1, 'Done.');
    return result;
  },
};
