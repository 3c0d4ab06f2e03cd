// Exercise 1's data, shared by its page, its tasks and its registry entry (the default of the `w` parameter).

/** The notebook's six weights. */
export const NOTEBOOK_WEIGHTS = Object.freeze([0.247, -0.103, 0.089, -0.156, 0.312, -0.278]);
