// A small zip writer (PKWARE APPNOTE 6.3: stored or deflated entries, UTF-8 names, no zip64), so that the build
// needs no `zip` program. Entries carry a fixed date (1980-01-01), so the same files give the same bytes.
import { deflateRawSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const DOS_TIME = 0;
const UTF8 = 0x0800;

/**
 * Prepares a file for one or more archives: its CRC and, when that is smaller, its deflated bytes. Preparing a file
 * once and adding it to several archives compresses it once.
 */
export function prepareEntry(name, data) {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  const deflated = deflateRawSync(bytes, { level: 9 });
  const stored = deflated.length >= bytes.length;
  return { name, crc: crc32(bytes), size: bytes.length, method: stored ? 0 : 8, body: stored ? bytes : deflated };
}

/** The bytes of a zip archive holding `entries` (from prepareEntry), in that order. */
export function zipArchive(entries) {
  const parts = [];
  const central = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    if (e.body.length > 0xfffffffe || e.size > 0xfffffffe) throw new Error(`${e.name}: too large for a zip without zip64`);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.body.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(20, 6);
    header.writeUInt16LE(UTF8, 8);
    header.writeUInt16LE(e.method, 10);
    header.writeUInt16LE(DOS_TIME, 12);
    header.writeUInt16LE(DOS_DATE, 14);
    header.writeUInt32LE(e.crc, 16);
    header.writeUInt32LE(e.body.length, 20);
    header.writeUInt32LE(e.size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt32LE(offset, 42); // extra, comment, disk, attributes: 0
    central.push(header, name);
    parts.push(local, name, e.body);
    offset += local.length + name.length + e.body.length;
  }
  if (entries.length > 0xffff) throw new Error('too many files for a zip without zip64');
  const centralBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, centralBytes, end]);
}
