// Tags a linked QuantLab module: node tag-wasm.mjs <file.wasm> <module name> <simd|scalar>
// Writes (or replaces) a custom section named 'quantlab.module' holding {"module": name, "simd": bool} as JSON, so
// that createQuantLab (web/quantlab/quantlab.js) can tell which module and build a compiled WebAssembly.Module is
// (WebAssembly.Module.customSections) before it instantiates it with a module's glue: the glue of one link names
// its imports differently from another's, so a mismatch must be caught before instantiation.
import { readFileSync, writeFileSync } from 'node:fs';

const SECTION = 'quantlab.module';
const [file, module, isa] = process.argv.slice(2);
if (!file || !/^[a-z]+$/.test(module ?? '') || !['simd', 'scalar'].includes(isa)) {
  console.error('usage: node tag-wasm.mjs <file.wasm> <module name> <simd|scalar>');
  process.exit(2);
}

const uleb = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
};
function readUleb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [value, at];
  }
}

const bytes = readFileSync(file);
if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error(`${file} is not a WebAssembly module`);
// Keep every section but an earlier tag.
const kept = [bytes.subarray(0, 8)];
for (let at = 8; at < bytes.length;) {
  const start = at;
  const id = bytes[at++];
  let size;
  [size, at] = readUleb(bytes, at);
  const end = at + size;
  if (end > bytes.length) throw new Error(`${file}: a section runs past the end of the file`);
  let name = '';
  if (id === 0) {
    const [length, after] = readUleb(bytes, at);
    name = bytes.subarray(after, after + length).toString('utf8');
  }
  if (name !== SECTION) kept.push(bytes.subarray(start, end));
  at = end;
}
const name = Buffer.from(SECTION, 'utf8');
const payload = Buffer.from(JSON.stringify({ module, simd: isa === 'simd' }), 'utf8');
const body = Buffer.concat([Buffer.from(uleb(name.length)), name, payload]);
kept.push(Buffer.from([0, ...uleb(body.length)]), body);
writeFileSync(file, Buffer.concat(kept));
