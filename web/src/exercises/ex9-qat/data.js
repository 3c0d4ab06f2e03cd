// Exercise 9's choices, shared by its page, its training worker and its registry entry.

/** Weight bit widths the page trains and compares (5 to 7 bits have no integer kernel: docs/lowbit.md). */
export const BITS = Object.freeze(['2', '3', '4', '8']);

/** Granularity of the weight scales: one per output channel, or one per group of G weights of a row. */
// (Not plain numbers as keys: an object lists those first, and the radio buttons follow its order.)
export const GROUPS = Object.freeze({ channel: 'per channel', g64: 'groups of 64', g16: 'groups of 16' });
export const GROUP_IDS = Object.freeze(Object.keys(GROUPS));
/** The core's groupSize option for a `group` parameter. */
export const groupSize = (group) => (group === 'channel' ? 'channel' : Number(group.slice(1)));

/** Adam's learning rates to pick from (the documented run: 1e-3). */
export const LEARNING_RATES = Object.freeze(['0.0001', '0.0003', '0.001', '0.003']);
export const lrLabel = (lr) => ({ '0.0001': '10⁻⁴', '0.0003': '3·10⁻⁴', '0.001': '10⁻³', '0.003': '3·10⁻³' })[lr] ?? lr;

/** Epochs over the 10,000-image training subset. */
export const MAX_EPOCHS = 5;

/** Steps per message from the worker (a step is one batch of 128: about 7 ms of CPU with SIMD). */
export const CHUNK_STEPS = 4;
/** The test accuracy is measured every this many steps, and at the end of each epoch. */
export const EVAL_EVERY = 20;
/** GPTQ's calibration images: the first 1,024 of the training subset (the calibration set, docs/qat.md). */
export const GPTQ_IMAGES = 1024;
