// What an LMS keeps for the next launch (cmi.suspend_data): the exercise's state, as the lab's link
// ("#/ex2?bits=4"), and the learner's code. SCORM 1.2 keeps at most 4,096 characters, SCORM 2004 64,000, so the
// text is compressed (deflate, then base64) when that is shorter: a typical exercise's code of 1–3 kB becomes
// well under a kilobyte. When even that does not fit, the state is kept and the code is left out (`trimmed`); the
// code then lives on only in the browser's own storage. Decoding accepts only what encoding writes.
import { MAX_HASH_LENGTH } from '../app/state.js';

export const SUSPEND_LIMITS = Object.freeze({ '1.2': 4096, 2004: 64000 });
const MAX_CODE = 200000; // characters: far beyond any exercise's code, and a bound on what a decoded text may hold
const PLAIN = 'QL1:';
const DEFLATED = 'QL1z:';

const canCompress = () => typeof CompressionStream === 'function' && typeof DecompressionStream === 'function';

async function pipe(bytes, stream) {
  const reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
  const chunks = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function toBase64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

function fromBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const payload = ({ link, code }) => JSON.stringify(typeof code === 'string' ? { l: link, c: code } : { l: link });

/** The plain encoding when it fits in `limit` characters, else null. Synchronous: for the last moment of a page. */
export function encodeSuspendNow(state, limit) {
  const text = PLAIN + payload(state);
  return text.length <= limit ? text : null;
}

/**
 * Encodes {link, code} in at most `limit` characters: the shorter of the plain and the compressed text. Returns
 * {text, trimmed}: trimmed when the code had to be left out to fit.
 */
export async function encodeSuspend(state, limit) {
  const candidates = [];
  const consider = async (s) => {
    const plain = PLAIN + payload(s);
    candidates.length = 0;
    candidates.push(plain);
    if (canCompress()) {
      try {
        candidates.push(DEFLATED + toBase64(await pipe(new TextEncoder().encode(payload(s)), new CompressionStream('deflate-raw'))));
      } catch {
        // no compression here: the plain text it is
      }
    }
    return candidates.filter((t) => t.length <= limit).sort((a, b) => a.length - b.length)[0] ?? null;
  };
  const full = await consider(state);
  if (full) return { text: full, trimmed: false };
  const withoutCode = await consider({ link: state.link });
  return { text: withoutCode ?? '', trimmed: true };
}

/** {link, code?} from a text encodeSuspend wrote, or null for anything else (empty, foreign, damaged). */
export async function decodeSuspend(text) {
  if (typeof text !== 'string') return null;
  let json;
  try {
    if (text.startsWith(PLAIN)) json = text.slice(PLAIN.length);
    else if (text.startsWith(DEFLATED) && canCompress()) {
      json = new TextDecoder().decode(await pipe(fromBase64(text.slice(DEFLATED.length)), new DecompressionStream('deflate-raw')));
    } else return null;
    const data = JSON.parse(json);
    if (typeof data !== 'object' || data === null || typeof data.l !== 'string' || data.l.length > MAX_HASH_LENGTH) return null;
    if (data.c !== undefined && (typeof data.c !== 'string' || data.c.length > MAX_CODE)) return null;
    return typeof data.c === 'string' ? { link: data.l, code: data.c } : { link: data.l };
  } catch {
    return null;
  }
}
