// Reads QuantLab's model file (docs/model-format.md) in plain JavaScript: the benchmark uses it to hand our
// SimpleNet's exact weights to the peers, and it checks that the documented format is what the core writes.
const MAGIC = 'QLABMODL';

export function readModelFile(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) throw new Error(`not a QuantLab model file (magic ${JSON.stringify(magic)})`);
  let pos = 8;
  const u32 = () => {
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const f32s = (n) => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(pos + 4 * i, true);
    pos += 4 * n;
    return out;
  };
  const version = u32();
  const layers = [];
  for (let count = u32(), i = 0; i < count; i++) {
    const inputs = u32();
    const outputs = u32();
    const type = u32() === 0 ? 'fp32' : 'int8';
    const scales = f32s(u32());
    let weight;
    if (type === 'fp32') {
      weight = f32s(inputs * outputs);
    } else {
      weight = new Int8Array(bytes.buffer.slice(bytes.byteOffset + pos, bytes.byteOffset + pos + inputs * outputs));
      pos += Math.ceil((inputs * outputs) / 4) * 4;
    }
    layers.push({ inputs, outputs, type, scales, weight, bias: f32s(outputs) });
  }
  if (pos + 4 !== bytes.length) throw new Error(`model file: ${bytes.length - pos - 4} unexpected bytes`);
  return { version, layers };
}
