// How the API's error messages show a value they reject: short, and never the whole of a large argument.

/** "got 17", "got \"abc\"", "got an array of length 3", "got a Float32Array". */
export function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || value === undefined || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  const name = value.constructor?.name;
  if (!name || name === 'Object') return 'an object';
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
}
