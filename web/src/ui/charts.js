// Charts: Chart.js 4, tree-shaken (only the controllers, elements and scales the lab draws are registered), plus
// two small plugins: the quantization grid of exercise 1 and value labels on points and bars; and
// chartjs-plugin-annotation (levels, thresholds, markers) and chartjs-chart-matrix (heatmaps). (Chart.js is one
// module, so every page loads the same Chart.js chunk: registering chart types per page would save nothing.)
//
// chartFigure() makes a <figure> with the canvas and a text summary beside it (the canvas is role=img and points
// to the summary with aria-describedby). Each page passes a function from the theme's colors to a Chart.js
// config, so that a theme switch can redraw every chart in its new colors.
import {
  BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement,
  LogarithmicScale, PointElement, ScatterController, Tooltip,
} from 'chart.js';
import annotationPlugin from 'chartjs-plugin-annotation';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import { chartProblem } from './chart-guard.js';
import { h, uid } from './dom.js';
import { groupThousands } from './format.js';
import { colors, onThemeChange } from './theme.js';

/** Vertical lines at every level k·step, k = −qmax…qmax, when they are at least 3 px apart. */
const gridLevels = {
  id: 'gridLevels',
  beforeDatasetsDraw(chart, _args, options) {
    const { step, qmax, color } = options;
    chart.$levelsDrawn = false;
    if (!(step > 0) || !qmax) return;
    const x = chart.scales.x;
    const { top, bottom } = chart.chartArea;
    if (Math.abs(x.getPixelForValue(step) - x.getPixelForValue(0)) < 3) return;
    const first = Math.max(-qmax, Math.ceil(x.min / step));
    const last = Math.min(qmax, Math.floor(x.max / step));
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = color;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let k = first; k <= last; k++) {
      const px = Math.round(x.getPixelForValue(k * step)) + 0.5;
      ctx.moveTo(px, top);
      ctx.lineTo(px, bottom);
    }
    ctx.stroke();
    ctx.restore();
    chart.$levelsDrawn = true;
  },
};

/** Text above the points (or bars) of the datasets listed in options.datasets. */
const valueLabels = {
  id: 'valueLabels',
  afterDatasetsDraw(chart, _args, options) {
    const { datasets, format, color, minSpacing = 0 } = options;
    if (!datasets?.length || typeof format !== 'function') return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.fillStyle = color;
    ctx.font = `12px ${Chart.defaults.font.family}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    const { left, right } = chart.chartArea;
    for (const index of datasets) {
      const meta = chart.getDatasetMeta(index);
      if (meta.hidden) continue;
      let lastX = -Infinity; // labels closer than minSpacing px to the previous one are left out (they would pile up)
      meta.data.forEach((element, i) => {
        const value = chart.data.datasets[index].data[i];
        const text = format(typeof value === 'object' && value !== null ? value.y : value, i);
        if (!text || !Number.isFinite(element.y) || element.x - lastX < minSpacing) return;
        lastX = element.x;
        const half = ctx.measureText(text).width / 2;
        const x = Math.min(right - half, Math.max(left + half + 2, element.x)); // never over the axis
        const y = Math.max(chart.chartArea.top + 12, element.y - 6);
        ctx.fillText(text, x, y);
      });
    }
    ctx.restore();
  },
};

Chart.register(ScatterController, LineController, BarController, PointElement, LineElement, BarElement,
  LinearScale, LogarithmicScale, CategoryScale, Legend, Tooltip, gridLevels, valueLabels);
// Heatmaps (exercise 2's weights and errors, exercise 4's confusion matrix, exercise 5's levels); lines, bands and
// labels drawn at values (levels, ranges, zero points, thresholds: exercises 1, 3, 5 and 6).
Chart.register(annotationPlugin, MatrixController, MatrixElement);
Chart.defaults.scales.linear.ticks.callback = signedTicks;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif';
Chart.defaults.font.size = 13;

const SUPERSCRIPT = { '-': '⁻', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
/** Tick labels of a log axis: only the powers of ten, as 10⁻³. */
function powerOfTenTick(value) {
  const exponent = Math.log10(value);
  if (Math.abs(exponent - Math.round(exponent)) > 1e-9) return '';
  return `10${String(Math.round(exponent)).replace(/./g, (ch) => SUPERSCRIPT[ch])}`;
}

/**
 * A log axis for positive `values`: whole decades, with room above the largest value for its label, tick labels
 * and grid lines on the powers of ten only.
 */
export function logAxis(c, values, title) {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const lo = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : -1;
  const hi = positive.length ? Math.ceil(Math.log10(Math.max(...positive) * 3)) : 0;
  const isDecade = (v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;
  return {
    type: 'logarithmic',
    min: 10 ** lo,
    max: 10 ** Math.max(hi, lo + 1),
    title,
    ticks: { callback: powerOfTenTick, autoSkip: false },
    grid: { color: (ctx) => (isDecade(ctx.tick.value) ? c.grid : 'transparent') },
  };
}

/**
 * Tick labels of a linear axis as Chart.js's numeric formatter writes them in English (as many decimals as the
 * spacing of the ticks needs, thousands grouped, exponent form below 1e-4 and above 1e15), with the typographic
 * minus the rest of the lab uses; without Intl.NumberFormat, whose first use costs tens of milliseconds before a
 * page's first chart. Every linear axis's default (below).
 */
export function signedTicks(value, _index, ticks) {
  if (value === 0) return '0';
  let delta = value;
  let exponentForm = false;
  if (ticks.length > 1) {
    const largest = Math.max(Math.abs(ticks[0].value), Math.abs(ticks[ticks.length - 1].value));
    exponentForm = largest < 1e-4 || largest > 1e15;
    delta = ticks.length > 3 ? ticks[2].value - ticks[1].value : ticks[1].value - ticks[0].value;
    if (Math.abs(delta) >= 1 && value !== Math.floor(value)) delta = value - Math.floor(value);
  }
  if (exponentForm) return Number(value.toPrecision(4)).toExponential().replace('e+', 'e').replaceAll('-', '−');
  const decimals = Number.isFinite(Math.log10(Math.abs(delta))) ? Math.max(Math.min(-Math.floor(Math.log10(Math.abs(delta))), 20), 0) : 1;
  const [whole, fraction] = Math.abs(value).toFixed(decimals).split('.');
  const text = groupThousands(whole) + (fraction ? `.${fraction}` : '');
  return value < 0 && /[1-9]/.test(text) ? `−${text}` : text;
}

/** Options every lab chart shares: no animation (redraws must be instant), the theme's text and grid colors. */
export function baseOptions(c, { x = {}, y = {}, legend = true } = {}) {
  const axis = (extra) => ({
    ...extra,
    grid: { color: c.grid, ...extra.grid },
    border: { color: c.muted },
    ticks: { color: c.text, ...extra.ticks },
    title: extra.title ? { display: true, color: c.text, text: extra.title } : undefined,
  });
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    color: c.text,
    scales: { x: axis(x), y: axis(y) },
    plugins: {
      // Chart.js never wraps one legend label: on a narrow chart (a phone, a widget in a course page) the text
      // gets smaller so that a long label still fits.
      legend: { display: legend, labels: { color: c.text, usePointStyle: true, boxWidth: 10, font: ({ chart }) => ({ size: chart.width < 360 ? 11 : 13 }) } },
      tooltip: { enabled: true },
    },
  };
}

let firstChartMarked = false;

/**
 * A chart with its title and text summary.
 * update(build, summary): build maps the theme's colors to a Chart.js config; summary is the text beside the chart,
 * or a function of the drawn chart that returns it.
 * The first chart drawn on a page marks the performance timeline ('quantlab:first-chart'), for the speed test.
 * @returns {{figure: HTMLElement, update(build: (c) => object, summary: string | ((chart) => string)): void, destroy(): void}}
 */
export function chartFigure({ title }) {
  const summaryId = uid('summary');
  const canvas = h('canvas', { role: 'img', 'aria-label': title, 'aria-describedby': summaryId });
  const summary = h('p', { class: 'chart-summary', id: summaryId, 'aria-live': 'polite' });
  // Shown instead of the chart when its input is not finite and sane (chart-guard.js).
  const refused = h('p', { class: 'chart-refused', role: 'note', hidden: true });
  const box = h('div', { class: 'chart-box' }, canvas);
  const figure = h('figure', { class: 'chart' },
    h('figcaption', { class: 'chart-title', text: title }),
    box,
    refused,
    summary);
  let chart = null;
  let build = null;
  let palette = null; // resolved once the figure is on the page; again after a theme change

  const draw = () => {
    const c = palette ?? colors(figure);
    if (figure.isConnected) palette = c;
    const config = build(c);
    const problem = chartProblem(config);
    refused.hidden = !problem;
    box.hidden = !!problem;
    if (problem) {
      refused.textContent = `This chart is not drawn: ${problem}.`;
      chart?.destroy();
      chart = null;
      return;
    }
    if (chart && chart.config.type === config.type) {
      chart.data = config.data;
      chart.options = config.options;
      chart.update('none');
    } else {
      chart?.destroy();
      chart = new Chart(canvas, config);
    }
  };
  const off = onThemeChange(() => {
    palette = null;
    if (build) draw();
  });

  return {
    figure,
    update(nextBuild, summaryText) {
      build = nextBuild;
      draw();
      summary.textContent = typeof summaryText !== 'function' ? summaryText : chart ? summaryText(chart) : '';
      if (!firstChartMarked) {
        firstChartMarked = true;
        performance.mark?.('quantlab:first-chart');
      }
    },
    destroy() {
      off();
      chart?.destroy();
      chart = null;
    },
  };
}
