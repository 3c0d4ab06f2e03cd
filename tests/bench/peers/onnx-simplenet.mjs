// Builds SimpleNet (784 -> 256 -> ReLU -> 10) as ONNX model bytes, in plain JS, for the onnxruntime peer of
// the benchmark. Weights come in PyTorch nn.Linear layout (fc1.weight [256, 784], fc2.weight [10, 256]).
//
//   buildFp32Model(weights, {op: 'matmul' | 'gemm'})   MatMul + Add per layer (weights as [in, out]),
//                                                      or Gemm with transB = 1 (weights kept [out, in]).
//   buildInt8DynamicModel(weights, {perChannel})       the graph of onnxruntime's quantize_dynamic for MatMul:
//       x --DynamicQuantizeLinear--> (x_q uint8, x_scale, x_zp)
//       MatMulInteger(x_q, W_q int8 [in, out], x_zp, W_zp = 0) --Cast(float)--> Mul(x_scale * W_scale) --Add(bias)
//   buildIdentityModel(n)                              input [batch, n] -> Identity -> output (per-call overhead).
//   quantizeWeightSymmetric(wT, rows, cols, perChannel) the int8 weights and scales used above.
//
// The ONNX protobuf is written by the small encoder below (field numbers from onnx/onnx.proto), so there is
// no dependency besides onnxruntime-web itself. Every model has one input 'input' [batch, 784] float and one
// output 'output' [batch, 10] float, where 'batch' is a symbolic dimension.

export const IN = 784;
export const HIDDEN = 256;
export const OUT = 10;
export const OPSET = 17; // DynamicQuantizeLinear (11), MatMulInteger (10): all present in opset 17
export const IR_VERSION = 8; // the IR version that goes with opset 17

// ---------------------------------------------------------------------------------------------------------
// A minimal protobuf writer: a message is an array of byte chunks, joined at the end.

const WIRE_VARINT = 0;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

function varint(value) {
  // Non-negative ints up to 2^53, or negative ones as 64-bit two's complement (protobuf int64).
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

function concat(chunks) {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const key = (field, wire) => varint((field << 3) | wire);
const intField = (field, value) => concat([key(field, WIRE_VARINT), varint(value)]);
const bytesField = (field, bytes) => concat([key(field, WIRE_LEN), varint(bytes.length), bytes]);
const stringField = (field, s) => bytesField(field, new TextEncoder().encode(s));
const messageField = (field, chunks) => bytesField(field, concat(chunks));
function floatField(field, value) {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, value, true);
  return concat([key(field, WIRE_FIXED32), b]);
}

// ---------------------------------------------------------------------------------------------------------
// ONNX messages (onnx.proto): only the fields used here.

const DT = { FLOAT: 1, UINT8: 2, INT8: 3 }; // TensorProto.DataType
const ATTR = { FLOAT: 1, INT: 2 }; // AttributeProto.AttributeType

// TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian).
function tensor(name, dataType, dims, values) {
  const size = dataType === DT.FLOAT ? 4 : 1;
  const raw = new Uint8Array(values.length * size);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => {
    if (dataType === DT.FLOAT) view.setFloat32(i * 4, v, true);
    else if (dataType === DT.INT8) view.setInt8(i, v);
    else view.setUint8(i, v);
  });
  return [...dims.map((d) => intField(1, d)), intField(2, dataType), stringField(8, name), bytesField(9, raw)];
}

// AttributeProto: name = 1, f = 2, i = 3, type = 20.
function attribute(name, value, type) {
  const v = type === ATTR.FLOAT ? floatField(2, value) : intField(3, value);
  return [stringField(1, name), v, intField(20, type)];
}

// NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.
function node(opType, inputs, outputs, name, attrs = {}) {
  return [
    ...inputs.map((s) => stringField(1, s)),
    ...outputs.map((s) => stringField(2, s)),
    stringField(3, name),
    stringField(4, opType),
    ...Object.entries(attrs).map(([n, [v, type]]) => messageField(5, attribute(n, v, type))),
  ];
}

// ValueInfoProto{name = 1, type = 2: TypeProto{tensor_type = 1: {elem_type = 1, shape = 2: {dim = 1:
// {dim_value = 1 | dim_param = 2}}}}}.
function valueInfo(name, elemType, dims) {
  const dim = (d) => messageField(1, [typeof d === 'string' ? stringField(2, d) : intField(1, d)]);
  const shape = messageField(2, dims.map(dim));
  return [stringField(1, name), messageField(2, [messageField(1, [intField(1, elemType), shape])])];
}

// GraphProto{node = 1, name = 2, initializer = 5, input = 11, output = 12} inside
// ModelProto{ir_version = 1, producer_name = 2, producer_version = 3, graph = 7,
// opset_import = 8: {domain = 1, version = 2}}.
function model({ name, nodes, initializers, inputs, outputs }) {
  const graph = [
    ...nodes.map((n) => messageField(1, n)),
    stringField(2, name),
    ...initializers.map((t) => messageField(5, t)),
    ...inputs.map((v) => messageField(11, v)),
    ...outputs.map((v) => messageField(12, v)),
  ];
  return concat([
    intField(1, IR_VERSION),
    stringField(2, 'quantlab-bench'),
    stringField(3, '0.1.0'),
    messageField(7, graph),
    messageField(8, [stringField(1, ''), intField(2, OPSET)]),
  ]);
}

// ---------------------------------------------------------------------------------------------------------
// SimpleNet

function checkWeights({ fc1Weight, fc1Bias, fc2Weight, fc2Bias }) {
  const want = { fc1Weight: HIDDEN * IN, fc1Bias: HIDDEN, fc2Weight: OUT * HIDDEN, fc2Bias: OUT };
  const got = { fc1Weight, fc1Bias, fc2Weight, fc2Bias };
  for (const [k, n] of Object.entries(want)) {
    if (!got[k] || got[k].length !== n) {
      throw new Error(`${k} must have ${n} values (PyTorch nn.Linear layout), got ${got[k]?.length}`);
    }
  }
}

// [rows, cols] row-major -> [cols, rows] row-major.
export function transpose(w, rows, cols) {
  const t = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}

const inputInfo = valueInfo('input', DT.FLOAT, ['batch', IN]);
const outputInfo = valueInfo('output', DT.FLOAT, ['batch', OUT]);

export function buildFp32Model(weights, { op = 'matmul' } = {}) {
  checkWeights(weights);
  const { fc1Weight, fc1Bias, fc2Weight, fc2Bias } = weights;
  const initializers = [tensor('fc1.bias', DT.FLOAT, [HIDDEN], fc1Bias), tensor('fc2.bias', DT.FLOAT, [OUT], fc2Bias)];
  let nodes;
  if (op === 'gemm') {
    initializers.push(
      tensor('fc1.weight', DT.FLOAT, [HIDDEN, IN], fc1Weight),
      tensor('fc2.weight', DT.FLOAT, [OUT, HIDDEN], fc2Weight),
    );
    const transB = { transB: [1, ATTR.INT] };
    nodes = [
      node('Gemm', ['input', 'fc1.weight', 'fc1.bias'], ['fc1.out'], 'fc1', transB),
      node('Relu', ['fc1.out'], ['relu.out'], 'relu'),
      node('Gemm', ['relu.out', 'fc2.weight', 'fc2.bias'], ['output'], 'fc2', transB),
    ];
  } else if (op === 'matmul') {
    initializers.push(
      tensor('fc1.weight_t', DT.FLOAT, [IN, HIDDEN], transpose(fc1Weight, HIDDEN, IN)),
      tensor('fc2.weight_t', DT.FLOAT, [HIDDEN, OUT], transpose(fc2Weight, OUT, HIDDEN)),
    );
    nodes = [
      node('MatMul', ['input', 'fc1.weight_t'], ['fc1.mm'], 'fc1.matmul'),
      node('Add', ['fc1.mm', 'fc1.bias'], ['fc1.out'], 'fc1.add'),
      node('Relu', ['fc1.out'], ['relu.out'], 'relu'),
      node('MatMul', ['relu.out', 'fc2.weight_t'], ['fc2.mm'], 'fc2.matmul'),
      node('Add', ['fc2.mm', 'fc2.bias'], ['output'], 'fc2.add'),
    ];
  } else {
    throw new Error(`op must be 'matmul' or 'gemm', got ${op}`);
  }
  return model({ name: `simplenet_fp32_${op}`, nodes, initializers, inputs: [inputInfo], outputs: [outputInfo] });
}

// Round half to even, like numpy.rint / onnxruntime's quantizer.
export function roundHalfEven(x) {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// Symmetric int8 quantization as onnxruntime's quantize_dynamic does it for weights (QInt8, symmetric,
// no reduce_range): scale = max|w| / 127 (float32), q = clip(rint(w / scale), -127, 127), zero point 0.
// wT is the MatMul weight [rows = in, cols = out]; perChannel gives one scale per output column.
export function quantizeWeightSymmetric(wT, rows, cols, perChannel = false) {
  const nScales = perChannel ? cols : 1;
  const absMax = new Float64Array(nScales);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = perChannel ? c : 0;
      absMax[s] = Math.max(absMax[s], Math.abs(wT[r * cols + c]));
    }
  }
  const scales = Float32Array.from(absMax, (m) => (m === 0 ? 1 : m / 127)); // all-zero column: scale 1
  const q = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const scale = scales[perChannel ? c : 0];
      const v = roundHalfEven(Math.fround(wT[r * cols + c] / scale)); // float32 division, as NumPy does
      q[r * cols + c] = Math.min(127, Math.max(-127, v));
    }
  }
  return { q, scales };
}

export function buildInt8DynamicModel(weights, { perChannel = false } = {}) {
  checkWeights(weights);
  const { fc1Weight, fc1Bias, fc2Weight, fc2Bias } = weights;
  const initializers = [];
  const nodes = [];
  const layer = (name, input, output, w, outF, inF, bias) => {
    const { q, scales } = quantizeWeightSymmetric(transpose(w, outF, inF), inF, outF, perChannel);
    const sDims = perChannel ? [outF] : [];
    initializers.push(
      tensor(`${name}.weight_quantized`, DT.INT8, [inF, outF], q),
      tensor(`${name}.weight_scale`, DT.FLOAT, sDims, scales),
      tensor(`${name}.weight_zero_point`, DT.INT8, sDims, new Int8Array(scales.length)),
      tensor(`${name}.bias`, DT.FLOAT, [outF], bias),
    );
    const p = `${name}.`;
    nodes.push(
      node('DynamicQuantizeLinear', [input], [`${p}x_q`, `${p}x_scale`, `${p}x_zero_point`], `${p}quantize`),
      node(
        'MatMulInteger',
        [`${p}x_q`, `${p}weight_quantized`, `${p}x_zero_point`, `${p}weight_zero_point`],
        [`${p}mm_int32`],
        `${p}matmul_integer`,
      ),
      node('Cast', [`${p}mm_int32`], [`${p}mm_float`], `${p}cast`, { to: [DT.FLOAT, ATTR.INT] }),
      node('Mul', [`${p}x_scale`, `${p}weight_scale`], [`${p}scale`], `${p}scale_mul`),
      node('Mul', [`${p}mm_float`, `${p}scale`], [`${p}mm`], `${p}output_scale_mul`),
      node('Add', [`${p}mm`, `${p}bias`], [output], `${p}add`),
    );
  };
  layer('fc1', 'input', 'fc1.out', fc1Weight, HIDDEN, IN, fc1Bias);
  nodes.push(node('Relu', ['fc1.out'], ['relu.out'], 'relu'));
  layer('fc2', 'relu.out', 'output', fc2Weight, OUT, HIDDEN, fc2Bias);
  const name = `simplenet_int8_dynamic_${perChannel ? 'per_channel' : 'per_tensor'}`;
  return model({ name, nodes, initializers, inputs: [inputInfo], outputs: [outputInfo] });
}

export function buildIdentityModel(n = IN) {
  return model({
    name: `identity_${n}`,
    nodes: [node('Identity', ['input'], ['output'], 'identity')],
    initializers: [],
    inputs: [valueInfo('input', DT.FLOAT, ['batch', n])],
    outputs: [valueInfo('output', DT.FLOAT, ['batch', n])],
  });
}
