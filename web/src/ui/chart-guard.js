// The one check every chart's input passes before Chart.js sees it (charts.js). Chart.js computes tick positions
// and decimal places from the axis limits with loops that never end when the limits are subnormal or so small
// that the tick spacing is (its _decimalPlaces multiplies by 10 until the value rounds exactly: beyond about 1e-290
// the multiplier overflows to Infinity and the loop spins forever, freezing the page and a host course page
// with it), and it draws nothing sensible from Infinity or NaN. So a chart whose numbers are not finite, or whose
// axis would span less than MIN_MAGNITUDE, is not drawn: the figure says why instead. Pure: no DOM, no Chart.js.

/** The smallest largest-magnitude an axis may have (0 is fine: an axis of zeros is drawn around 0). */
export const MIN_MAGNITUDE = 1e-200;
const LIMITS = ['min', 'max', 'suggestedMin', 'suggestedMax'];

/**
 * Why `config` (a Chart.js config) must not be drawn, in words for the learner, or null when it is sane.
 * Looks at every dataset value (numbers, and x, y of points), per axis, and every axis's explicit limits and step.
 */
export function chartProblem(config) {
  const scales = config?.options?.scales ?? {};
  const valueAxis = config?.options?.indexAxis === 'y' ? 'x' : 'y';
  const largest = new Map(); // axis id -> largest |value|
  let bad = null;
  const see = (axis, v, what) => {
    if (v === null || v === undefined || bad) return;
    if (typeof v !== 'number') return; // a category label
    if (!Number.isFinite(v)) {
      bad = `${what} is ${v}, which a chart cannot place`;
      return;
    }
    largest.set(axis, Math.max(largest.get(axis) ?? 0, Math.abs(v)));
  };
  for (const dataset of config?.data?.datasets ?? []) {
    const xId = dataset.xAxisID ?? 'x';
    const yId = dataset.yAxisID ?? 'y';
    for (const point of dataset.data ?? []) {
      if (typeof point === 'number') see(valueAxis === 'y' ? yId : xId, point, 'a value');
      else if (point !== null && typeof point === 'object') {
        see(xId, point.x, 'a value');
        see(yId, point.y, 'a value');
      }
    }
  }
  for (const [id, scale] of Object.entries(scales)) {
    for (const key of LIMITS) see(id, scale?.[key], `the ${id} axis's ${key}`);
    const step = scale?.ticks?.stepSize;
    if (step !== undefined && !(typeof step === 'number' && Number.isFinite(step) && step >= MIN_MAGNITUDE)) {
      bad ??= `the ${id} axis's tick step ${step} is not a usable number`;
    }
  }
  if (bad) return bad;
  for (const [id, max] of largest) {
    if (max > 0 && max < MIN_MAGNITUDE) {
      return `the ${id} axis would span only ${max.toPrecision(3)}, too small for a chart axis (it needs at least ${MIN_MAGNITUDE})`;
    }
  }
  return null;
}
