// Exercise 4's words for its data, shared by its page (lab.js) and its speed section (speed.js).

/** The two weight schemes of the `scheme` parameter. */
export const SCHEME_LABELS = Object.freeze({ tensor: 'one scale per tensor', channel: 'one scale per output channel' });
