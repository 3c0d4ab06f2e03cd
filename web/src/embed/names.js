// The option names of an embedded exercise besides its URL-state parameters (README, "Embedding the lab in a
// course page"). The registry keeps exercises from declaring parameters with these names.

/** Attributes of <quant-lab> and keys of embed.html's hash. */
export const EMBED_OPTIONS = Object.freeze(['exercise', 'hide', 'theme', 'storage-key']);
/** Keys of embed.html's hash only. */
export const FRAME_OPTIONS = Object.freeze(['parent']);
/** The parts of an exercise page an embedding may hide (hide="…"), marked data-part on the page. */
export const PARTS = Object.freeze(['text', 'editor', 'solution', 'benchmark']);
