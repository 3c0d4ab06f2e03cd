// Exercise 7, learner mode: pack and unpack signed 4-bit values two to a byte (the core's layout: element 2i in the
// low nibble, two's complement), and group-wise symmetric quantization (a scale per G weights of a row, the last
// group of a row shorter when G does not divide it). Checked against the WebAssembly core, with the typical
// mistakes named. No DOM: also loaded by the runner worker and the Node tests.
import { expectNumbers, fail, maxAbs, near, show } from '../../checks/expect.js';
import { expectQ, expectScale, quantSpec, unpackInt4 as readNibbles } from '../../checks/quantization.js';

const ROUND = `// Rounds half to even, as np.rint (exercise 1).
function roundHalfEven(v) {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
`;

const DEMO = `// Run prints these lines.
const packed = packInt4([-1, -8, 7]);
console.log('packed  ', Array.from(packed, (b) => '0x' + b.toString(16)));   // ['0x8f', '0x7']
console.log('unpacked', unpackInt4(packed, 3));                               // -1, -8, 7
const w = [0.9, -0.05, 0.02, 0.1, -0.3, 0.01, 0.04, -0.02, 0.6, 0.2];
const { q, scales } = groupQuantize(w, 2, 5, 4, 2);
console.log('q       ', q);
console.log('scales  ', scales);                                              // 3 per row: groups of 2, 2 and 1
`;

const starter = `// Exercise 7: int4 packing and group-wise quantization.
// Fill in the TODOs. Check compares your functions with the WebAssembly core (which equals NumPy).

${ROUND}
// Packs signed 4-bit values (−8 … 7), two per byte: q[2i] in the low 4 bits, q[2i+1] in the high 4 bits, each in
// two's complement (−1 → 0xF). An odd count leaves the last byte's high nibble 0.
function packInt4(q) {
  // TODO 1: how many bytes do q.length values take, two per byte?
  const bytes = new Uint8Array(0);
  for (let i = 0; i < q.length; i += 2) {
    // TODO 2: the low nibble is q[i] & 0xF; the high nibble, if there is a q[i + 1], is (q[i + 1] & 0xF) << 4.
  }
  return bytes;
}

// Unpacks count signed 4-bit values from bytes (the layout above).
function unpackInt4(bytes, count) {
  const q = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    // TODO 3: take the nibble of value i: the low 4 bits of byte i >> 1 when i is even, the high 4 bits when odd.
    const nibble = 0;
    // TODO 4: a nibble of 8 … 15 stands for a negative number: sign-extend it.
    q[i] = nibble;
  }
  return q;
}

// Symmetric quantization with a scale per group of groupSize consecutive weights of a row. w is rows × cols,
// row-major. A row has Math.ceil(cols / groupSize) groups; the last one is shorter when groupSize does not divide
// cols. Returns { q: Int8Array (rows × cols), scales: Float64Array (rows × groups per row, row by row) }.
function groupQuantize(w, rows, cols, bits, groupSize) {
  // TODO 5: the largest level of a symmetric signed grid.
  const qmax = 0;
  // TODO 6: the number of groups in a row.
  const groups = 0;
  const q = new Int8Array(rows * cols);
  const scales = new Float64Array(rows * groups);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const start = g * groupSize;
      const end = start; // TODO 7: the group's end (exclusive); the last group stops at the row's end.
      // TODO 8: scale = max|w| over the group / qmax, stored in scales[r * groups + g].
      // TODO 9: q = round(w / scale), clipped to [−qmax, qmax], for each weight of the group (an all-zero
      // group has scale 0 and q = 0).
    }
  }
  return { q, scales };
}

${DEMO}`;

const solution = `// Exercise 7: int4 packing and group-wise quantization (reference solution).

${ROUND}
function packInt4(q) {
  const bytes = new Uint8Array(Math.ceil(q.length / 2));
  for (let i = 0; i < q.length; i += 2) {
    const low = q[i] & 0xf;
    const high = i + 1 < q.length ? (q[i + 1] & 0xf) << 4 : 0;
    bytes[i >> 1] = low | high;
  }
  return bytes;
}

function unpackInt4(bytes, count) {
  const q = new Int8Array(count);
  for (let i = 0; i < count; i++) {
    const nibble = i % 2 === 0 ? bytes[i >> 1] & 0xf : bytes[i >> 1] >> 4;
    q[i] = nibble >= 8 ? nibble - 16 : nibble;
  }
  return q;
}

function groupQuantize(w, rows, cols, bits, groupSize) {
  const qmax = 2 ** (bits - 1) - 1;
  const groups = Math.ceil(cols / groupSize);
  const q = new Int8Array(rows * cols);
  const scales = new Float64Array(rows * groups);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < groups; g++) {
      const start = g * groupSize;
      const end = Math.min(cols, start + groupSize);
      let max = 0;
      for (let c = start; c < end; c++) max = Math.max(max, Math.abs(w[r * cols + c]));
      const scale = max / qmax;
      scales[r * groups + g] = scale;
      if (scale === 0) continue;
      for (let c = start; c < end; c++) {
        q[r * cols + c] = Math.min(qmax, Math.max(-qmax, roundHalfEven(w[r * cols + c] / scale)));
      }
    }
  }
  return { q, scales };
}

${DEMO}`;

const hints = [
  'Two values per byte: Math.ceil(q.length / 2) bytes, so that an odd count still gets a byte for its last value.',
  'bytes[i >> 1] = (q[i] & 0xf) | ((q[i + 1] & 0xf) << 4). The mask keeps the low 4 bits of the two’s-complement number: −1 & 0xf = 15 (0xF), −8 & 0xf = 8. Without it, a negative q[i] sets every bit of the byte. For an odd count, the last high nibble is 0.',
  'Value i sits in byte i >> 1: the low nibble (byte & 0xf) for even i, the high nibble (byte >> 4) for odd i.',
  'A nibble is 0 … 15, but the values are −8 … 7: nibble >= 8 ? nibble − 16 : nibble. Without this, −1 comes back as 15.',
  'qmax = 2 ** (bits − 1) − 1: 7 at 4 bits. The grid −7 … 7 is symmetric around 0; 2 ** (bits − 1) = 8 would be one level too many.',
  'groups = Math.ceil(cols / groupSize): 784 weights in groups of 64 make 13 groups, the last of 16 weights. Math.floor would forget that last group.',
  'const end = Math.min(cols, start + groupSize): the last group stops at the row’s end.',
  'let max = 0; for (let c = start; c < end; c++) max = Math.max(max, Math.abs(w[r * cols + c])); then scales[r * groups + g] = max / qmax. Each group has its own scale: not the row’s, not the whole matrix’s.',
  'for (let c = start; c < end; c++) q[r * cols + c] = Math.min(qmax, Math.max(−qmax, roundHalfEven(w[r * cols + c] / scale))), skipping a group whose scale is 0.',
];

// ---- checks ----

const hex = (b) => `0x${b.toString(16).padStart(2, '0')}`;
const hexList = (bytes) => (bytes.length <= 12 ? `[${Array.from(bytes, hex).join(', ')}]` : `[${Array.from(bytes.slice(0, 8), hex).join(', ')}, … (${bytes.length} bytes)]`);
const signed = (v) => (v < 0 ? `−${-v}` : String(v));
const valueList = (q) => (q.length <= 20 ? `[${q.map(signed).join(', ')}]` : `q (${q.length} values)`);

async function checkPack(ctx, q) {
  const want = ctx.lab.packInt4(q);
  const got = await ctx.call('packInt4', q);
  const what = `packInt4(${valueList(q)})`;
  if (got === null || typeof got !== 'object' || typeof got.length !== 'number') fail(`${what} returned ${show(got)}: return the packed bytes, a Uint8Array.`);
  if (got.length === q.length && q.length > 1) {
    fail(`${what} returned ${got.length} values, one per level: pack two 4-bit values into each byte, ${want.length} bytes for ${q.length} values.`, { cause: 'not-packed' });
  }
  if (got.length === Math.floor(q.length / 2) && q.length % 2) {
    fail(`${what} returned ${got.length} bytes for ${q.length} values: the last value is lost. An odd count needs Math.ceil(n / 2) = ${want.length} bytes, the last one holding a single value in its low nibble.`, { cause: 'odd-count' });
  }
  if (got.length === 0) fail(`${what} returned no bytes: ${q.length} values, two per byte, take ${want.length}.`);
  expectNumbers(got, what, want.length);
  const bytes = Array.from(got);
  if (bytes.every((b, i) => b === want[i])) return;
  const type = got.constructor?.name;
  if (bytes.some((b) => b < 0 || b > 255 || !Number.isInteger(b))) {
    fail(`${what} holds ${show(bytes.find((b) => b < 0 || b > 255 || !Number.isInteger(b)))}: a byte is a whole number 0 … 255. Mask each value to its low 4 bits (q & 0xf) before combining them, and store the bytes in a Uint8Array.`, { cause: 'no-mask' });
  }
  const unmasked = Array.from(want, (_, k) => ((q[2 * k] | ((q[2 * k + 1] ?? 0) << 4)) & 0xff));
  if (bytes.every((b, i) => b === unmasked[i])) {
    fail(`${what} gives ${hexList(bytes)} but the core gives ${hexList(want)}: a negative value was combined without its mask. In two’s complement −1 has every bit set, so −1 | (7 << 4) is still −1 (0xff): keep the low 4 bits first, q & 0xf.`, { cause: 'no-mask' });
  }
  if (readNibbles(bytes, q.length, { lowFirst: false }).every((v, i) => v === q[i])) {
    fail(`${what} gives ${hexList(bytes)} but the core gives ${hexList(want)}: the two values of each byte are swapped. The first value of a pair, q[2i], goes into the low 4 bits; q[2i+1] into the high 4 bits.`, { cause: 'nibbles-swapped' });
  }
  if (readNibbles(bytes, q.length, { signed: false }).every((v, i) => v - 8 === q[i])) {
    fail(`${what} stores each value plus 8 (offset binary), ${hexList(bytes)}; this format keeps two’s complement, ${hexList(want)}: store q & 0xf, so −1 becomes 0xf and 7 stays 0x7.`, { cause: 'offset-binary' });
  }
  const k = bytes.findIndex((b, i) => b !== want[i]);
  fail(`${what}: byte ${k} is ${hex(bytes[k])} but the core gives ${hex(want[k])} (from q[${2 * k}] = ${signed(q[2 * k])} in the low nibble${2 * k + 1 < q.length ? ` and q[${2 * k + 1}] = ${signed(q[2 * k + 1])} in the high nibble` : ', the high nibble 0'})${type && type !== 'Uint8Array' ? `; store the bytes in a Uint8Array, not a ${type}` : ''}.`);
}

async function checkUnpack(ctx, q) {
  const bytes = ctx.lab.packInt4(q);
  const want = Array.from(ctx.lab.unpackInt4(bytes, q.length));
  const got = await ctx.call('unpackInt4', bytes, q.length);
  const what = `unpackInt4(${hexList(bytes)}, ${q.length})`;
  if (got === null || typeof got !== 'object' || typeof got.length !== 'number') fail(`${what} returned ${show(got)}: return the values, an Int8Array.`);
  if (got.length !== want.length) {
    fail(`${what} returned ${got.length} value${got.length === 1 ? '' : 's'}; it should return count = ${want.length}${got.length === 2 * bytes.length ? ' (the last byte of an odd count holds one value, its high nibble is padding)' : ''}.`, { cause: got.length === 2 * bytes.length ? 'odd-count' : undefined });
  }
  expectNumbers(got, what, want.length);
  const values = Array.from(got);
  if (values.every((v, i) => v === want[i])) return;
  const type = got.constructor?.name;
  if (values.every((v, i) => v === (want[i] & 0xf))) {
    fail(`${what} gives ${show(values)} but the values are ${show(want)}: the nibbles are not sign-extended. A nibble of 8 … 15 is a negative number in two’s complement: nibble − 16 (15 → −1, 8 → −8).`, { cause: 'no-sign-extend' });
  }
  if (type === 'Uint8Array' && values.every((v, i) => v === (want[i] & 0xff))) {
    fail(`${what} is a Uint8Array, which has no negative numbers (−1 became 255): return an Int8Array.`, { cause: 'unsigned-storage' });
  }
  const swapped = readNibbles(bytes, q.length, { lowFirst: false });
  if (values.every((v, i) => v === swapped[i] || v === (swapped[i] & 0xf))) {
    fail(`${what} gives ${show(values)}: the two values of each byte come out swapped. Value 2i is the low nibble (byte & 0xf), value 2i+1 the high nibble (byte >> 4).`, { cause: 'nibbles-swapped' });
  }
  const i = values.findIndex((v, k) => v !== want[k]);
  fail(`${what}: value ${i} is ${show(values[i])} but the core gives ${signed(want[i])} (the ${i % 2 ? 'high' : 'low'} nibble of byte ${i >> 1}, ${hex(bytes[i >> 1])}).`);
}

/** Where group g of a row of `cols` starts and ends, in words. */
const groupWords = (r, g, G, cols) => `row ${r}, columns ${g * G}–${Math.min(cols, (g + 1) * G) - 1}`;

async function checkGroups(ctx, w, rows, cols, bits, G) {
  const want = ctx.lab.groupQuantize(w, rows, cols, { bits, groupSize: G });
  const got = await ctx.call('groupQuantize', w, rows, cols, bits, G);
  const call = `groupQuantize(w, ${rows}, ${cols}, ${bits}, ${G})`;
  if (got === null || typeof got !== 'object') fail(`${call} returned ${show(got)}: return an object { q, scales }.`);
  const perRow = Math.ceil(cols / G);
  const full = Math.floor(cols / G);
  const spec = quantSpec({ bits });
  const { scales } = got;
  if (typeof scales === 'number') {
    fail(`You returned one scale for the whole matrix: that is per-tensor. Give every group of ${G} weights of a row its own scale: ${perRow} per row, ${rows * perRow} in all.`, { cause: 'per-tensor' });
  }
  expectNumbers(scales, 'scales');
  if (scales.length === rows && perRow > 1) {
    fail(`You returned ${rows} scales, one per row: that is per channel. Group-wise quantization gives every ${G} consecutive weights of a row their own scale: ${perRow} per row (${rows * perRow} in all), so one large weight coarsens only its own group.`, { cause: 'per-row-not-group' });
  }
  if (cols % G && scales.length === rows * full) {
    fail(`You returned ${scales.length} scales, ${full} per row: the last ${cols - full * G} weights of each row have no group. A row of ${cols} weights in groups of ${G} has Math.ceil(${cols} / ${G}) = ${perRow} groups; the last one is shorter (${cols} = ${full} · ${G} + ${cols - full * G}).`, { cause: 'partial-group' });
  }
  if (scales.length !== rows * perRow) {
    fail(`scales has ${scales.length} values; ${rows} rows of ${perRow} groups need ${rows * perRow}, in order: the groups of row 0, then those of row 1, …`, { cause: 'scale-count' });
  }
  const members = (k) => {
    const r = Math.floor(k / perRow);
    const g = k % perRow;
    return w.slice(r * cols + g * G, r * cols + Math.min(cols, (g + 1) * G));
  };
  const whole = maxAbs(w) / spec.qmax;
  if (new Set(Array.from(want.scales)).size > 1 && Array.prototype.every.call(scales, (s) => near(s, whole, 1e-9))) {
    fail(`All your ${scales.length} scales equal max|w| / qmax of the whole matrix: that is per-tensor. Give each group its own scale, the largest magnitude of its ${G} weights / qmax.`, { cause: 'per-tensor' });
  }
  const rowMax = Array.from({ length: rows }, (_, r) => maxAbs(w.slice(r * cols, (r + 1) * cols)) / spec.qmax);
  if (perRow > 1 && new Set(Array.from(want.scales)).size > rows &&
      Array.prototype.every.call(scales, (s, k) => near(s, rowMax[Math.floor(k / perRow)], 1e-9))) {
    fail(`Every group of a row has the row’s scale, max|row| / qmax: that is per channel with the scale repeated. Each group of ${G} weights needs the largest magnitude of its own weights.`, { cause: 'per-row-not-group' });
  }
  for (let k = 0; k < want.scales.length; k++) {
    const r = Math.floor(k / perRow);
    const g = k % perRow;
    expectScale(scales[k], want.scales[k], spec, { x: members(k), what: `scales[${k}]`, of: `max|w| over group ${g} (${groupWords(r, g, G, cols)})` });
  }
  const q = got.q;
  if (cols % G && q && typeof q.length === 'number' && q.length === rows * cols) {
    const tail = [];
    for (let r = 0; r < rows; r++) for (let c = full * G; c < cols; c++) tail.push(r * cols + c);
    if (tail.every((i) => q[i] === 0) && tail.some((i) => want.q[i] !== 0)) {
      fail(`The last ${cols - full * G} weights of every row (columns ${full * G}–${cols - 1}) all quantize to 0: the last, shorter group was left out of the loop. Go up to Math.min(cols, start + groupSize).`, { cause: 'partial-group' });
    }
  }
  const groupSpec = { ...spec, granularity: 'group', scaleIndex: (i) => Math.floor(i / cols) * perRow + Math.floor((i % cols) / G) };
  expectQ(q, want.q, groupSpec, { x: w, scales: want.scales, what: 'q' });
}

/** Weights like a trained layer's rows: mostly small, an occasional large one. */
function weights(lab, seed, n) {
  const z = lab.randn(seed, n);
  return Array.from(z, (v, i) => (i % 29 === 3 ? 6 * v : v) * 0.05);
}

const tests = [
  {
    name: 'packInt4: [−1, −8, 7] gives [0x8f, 0x07]',
    run: (ctx) => checkPack(ctx, [-1, -8, 7]),
  },
  {
    name: 'packInt4: every value −8 … 7, paired with its neighbours',
    run: (ctx) => checkPack(ctx, [0, 1, 2, 3, 4, 5, 6, 7, -8, -7, -6, -5, -4, -3, -2, -1, 5, -3]),
  },
  {
    name: 'unpackInt4: the bytes back into −8 … 7, an odd count included',
    run: (ctx) => checkUnpack(ctx, [-1, 3, 7, -8, 0, -5, 2]),
  },
  {
    name: 'groupQuantize: 4 rows × 64 weights, 4 bits, groups of 16',
    run: (ctx) => checkGroups(ctx, weights(ctx.lab, 70, 256), 4, 64, 4, 16),
  },
  {
    name: 'groupQuantize: 3 rows × 40 weights, 3 bits, groups of 16 (the last group of a row has 8)',
    run: (ctx) => checkGroups(ctx, weights(ctx.lab, 71, 120), 3, 40, 3, 16),
  },
  {
    name: 'Hidden: a round trip of 101 random values through packInt4 and unpackInt4',
    hidden: true,
    async run(ctx) {
      const q = Array.from(ctx.lab.rand(72, 101), (u) => Math.floor(u * 16) - 8);
      await checkPack(ctx, q);
      await checkUnpack(ctx, q);
    },
  },
  {
    name: 'Hidden: groupQuantize at 2, 4 and 8 bits, a group as long as the row, and an all-zero group',
    hidden: true,
    async run(ctx) {
      const w = weights(ctx.lab, 73, 2 * 50);
      for (let c = 32; c < 48; c++) w[c] = 0; // row 0's third group of 16 is all zero
      await checkGroups(ctx, w, 2, 50, 2, 16);
      await checkGroups(ctx, w, 2, 50, 4, 50);
      await checkGroups(ctx, w, 2, 50, 8, 32);
    },
  },
];

export default { functions: ['roundHalfEven', 'packInt4', 'unpackInt4', 'groupQuantize'], starter, solution, hints, tests };
