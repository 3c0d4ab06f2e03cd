// Exercise 8's choices, shared by its page, its data job and its registry entry: the weights' scheme (bits, group
// size) and the settings of the two calibrated methods (GPTQ's damping, AWQ's alpha, the calibration images).

/** The three methods, in the order the page runs them (round-to-nearest is quick, AWQ's alpha search the slowest). */
export const METHODS = Object.freeze({
  rtn: { label: 'RTN', long: 'round-to-nearest' },
  gptq: { label: 'GPTQ', long: 'GPTQ' },
  awq: { label: 'AWQ', long: 'AWQ' },
});
export const METHOD_IDS = Object.freeze(Object.keys(METHODS));

/** `group`: one scale per output channel (a row), or per G consecutive weights of a row. */
export const GROUPS = Object.freeze(['channel', '128', '64', '32', '16']);
export const groupSizeOf = (group) => (group === 'channel' ? 'channel' : Number(group));
export const groupLabel = (group) => (group === 'channel' ? 'per channel' : `groups of ${group}`);

/** `damp`: GPTQ's damping, a fraction of mean(diag H) added to H's diagonal. */
export const DAMPS = Object.freeze(['0.001', '0.01', '0.1', '1']);

/** `alpha`: AWQ's exponent, searched on 0, 0.05, …, 1 by each layer's output error, or fixed. */
export const ALPHAS = Object.freeze(['search', '0', '0.25', '0.5', '0.75', '1']);
export const alphasOf = (alpha) => (alpha === 'search' ? [] : [Number(alpha)]);

/** `n`: how many of the 1,024 calibration images GPTQ and AWQ see. */
export const CALIBRATION_SIZES = Object.freeze(['16', '64', '256', '1024']);

/** The part of the settings each method depends on: what its cached result is keyed by. */
export function methodKey(method, { bits, group, damp, alpha, n }) {
  if (method === 'rtn') return `rtn:${bits}:${group}`;
  if (method === 'gptq') return `gptq:${bits}:${group}:${damp}:${n}`;
  return `awq:${bits}:${group}:${alpha}:${n}`;
}
