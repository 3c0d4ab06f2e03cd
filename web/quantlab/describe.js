// How the API's error messages show a value they reject (short, and never the whole of a large argument), and the
// check every options object gets.

/** "got 17", "got \"abc\"", "got an array of length 3", "got a Float32Array". */
export function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = value.constructor?.name;
  if (!name || name === 'Object') return 'an object';
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}

// Options objects: undefined (every default) or an object whose keys are all known, checked before anything is
// allocated in WebAssembly. A wrong type would otherwise reach Embind, whose BindingError names nothing and keeps
// the call's arguments alive.
export function checkOptionNames(options, method, known) {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`${method}: unknown option '${key}' (the options are ${known.join(', ')})`);
  }
}

export function optionsOf(value, method, example, known) {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${method} options must be an object such as ${example}, got ${describe(value)}`);
  }
  checkOptionNames(value, method, known);
  return value;
}

