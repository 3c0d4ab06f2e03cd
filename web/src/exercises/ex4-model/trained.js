// Exercise 4's trained mode: the "Weights" switch between the notebook's random SimpleNet (lab.js, unchanged) and
// the SimpleNet trained on Fashion-MNIST (web/data/, docs/data-and-training.md). In trained mode the page
// evaluates float32 and dynamic int8 (per tensor and per channel) on the 10,000 test images, live, in the data
// worker (jobs.js), and shows the accuracies, the int8 model's confusion matrix and the test images on which
// float32 and int8 disagree, with both predictions. The URL keeps the choice (`weights`, default the notebook's
// random weights, so that older links keep their meaning); the scheme shown is the page's `scheme`.
import { jobStatus } from '../../data/status.js';
import { baseOptions, chartFigure } from '../../ui/charts.js';
import { fill, h, radioGroup } from '../../ui/dom.js';
import { SCHEME_LABELS } from './data.js';
import { grouped } from '../../ui/format.js';

// Fashion-MNIST's classes by label (also data-loader.js's CLASS_NAMES; the page must not load that file first).
export const CLASS_NAMES = Object.freeze(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
export const WEIGHT_LABELS = Object.freeze({ random: 'random weights (the notebook)', trained: 'trained on Fashion-MNIST' });
/** About ±0.3 points: one standard error of an accuracy near 87% over 10,000 images is 0.33 points. */
export const NOISE_POINTS = 0.3;

const percent = (a) => `${(100 * a).toFixed(2)}%`;
const points = (d) => `${d > 0 ? '+' : d < 0 ? '−' : '±'}${Math.abs(d).toFixed(2)}`;
const rgba = (color, alpha) => color.replace(/^rgb\((.*)\)$/, `rgba($1, ${alpha})`);

/** The difference of two accuracies in words that say whether it is more than noise. */
export function compareAccuracy(int8, fp32) {
  const d = 100 * (int8 - fp32);
  if (Math.abs(d) < NOISE_POINTS) return `${points(d)} points against float32: within the noise of 10,000 test images (about ±${NOISE_POINTS} points)`;
  return `${points(d)} points against float32: more than the noise of 10,000 test images (about ±${NOISE_POINTS} points)`;
}

function confusionChart(c, evaluation, fp32) {
  const max = Math.max(...evaluation.confusion.flat());
  const data = [];
  evaluation.confusion.forEach((row, t) => row.forEach((v, p) => data.push({ x: p, y: t, v, f: fp32.confusion[t][p] })));
  const axis = (title) => ({
    type: 'linear', min: -0.5, max: 9.5, title, grid: { display: false }, reverse: title.startsWith('true'),
    afterBuildTicks: (a) => { a.ticks = CLASS_NAMES.map((_, i) => ({ value: i })); },
    ticks: { autoSkip: false, callback: (v) => CLASS_NAMES[v] ?? '' },
  });
  const options = baseOptions(c, { x: axis('predicted class'), y: axis('true class'), legend: false });
  options.scales.x.ticks.maxRotation = 60;
  options.plugins.tooltip.callbacks = {
    title: () => '',
    label: (item) => {
      const d = item.raw;
      return `${CLASS_NAMES[d.y]} predicted as ${CLASS_NAMES[d.x]}: ${d.v} (float32: ${d.f})`;
    },
  };
  return {
    type: 'matrix',
    data: {
      datasets: [{
        label: 'test images',
        data,
        backgroundColor: (ctx) => {
          const v = ctx.raw?.v ?? 0;
          return v === 0 ? 'transparent' : rgba(ctx.raw.x === ctx.raw.y ? c.series[0] : c.series[2], 0.15 + 0.85 * Math.sqrt(v / max));
        },
        borderWidth: 0,
        width: ({ chart }) => (chart.chartArea?.width ?? 100) / 10 - 1,
        height: ({ chart }) => (chart.chartArea?.height ?? 100) / 10 - 1,
      }],
    },
    options,
  };
}

/** One test image as a 28 × 28 canvas (scaled by CSS), its label in aria-label and in the caption. */
function imageFigure(pixels, { index, label, fp32, int8 }) {
  const canvas = h('canvas', { width: 28, height: 28, role: 'img', 'aria-label': `Test image ${index}: ${CLASS_NAMES[label]}` });
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = 255 - pixels[i]; // dark garment on a light ground, in both themes
    image.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
  return h('figure', { class: 'test-image' }, canvas,
    h('figcaption', {},
      h('span', { class: 'truth', text: `#${index}: ${CLASS_NAMES[label]}` }),
      h('span', { class: fp32 === label ? 'right' : 'wrong', text: `float32: ${CLASS_NAMES[fp32]}` }),
      h('span', { class: int8 === label ? 'right' : 'wrong', text: `int8: ${CLASS_NAMES[int8]}` })));
}

/** The trained section: {el, show(scheme), destroy()}; it starts its evaluation when first shown. */
function trainedView({ lab, scheme, onScheme }) {
  const status = jobStatus({ what: 'the evaluation on the 10,000 test images' });
  const numbers = h('dl', { class: 'key-numbers trained-accuracy' });
  const verdict = h('p', { class: 'trained-verdict' });
  const schemeRadios = radioGroup({ legend: 'int8 version shown below', labels: SCHEME_LABELS, onChange: (s) => onScheme(s) });
  const confusion = chartFigure({ title: 'Confusion matrix of the int8 network on the 10,000 test images' });
  confusion.figure.classList.add('confusion', 'square');
  const gridHeading = h('h4', { text: 'Test images on which float32 and int8 disagree' });
  const gridText = h('p', { class: 'disagree-count' });
  const grid = h('div', { class: 'image-grid' });
  const results = h('div', { class: 'trained-results', hidden: true }, numbers, verdict, schemeRadios.field, confusion.figure, gridHeading, gridText, grid);
  const el = h('section', { class: 'trained', 'aria-label': 'The trained network on Fashion-MNIST' },
    h('h3', { text: 'Accuracy on Fashion-MNIST’s 10,000 test images' }),
    h('p', { text: 'The same 784 → 256 → 10 network, trained on Fashion-MNIST’s 60,000 training images (28 × 28 pictures of clothes, 10 classes; docs/data-and-training.md has the recipe). Here agreement has a meaning: how many test images each version classifies correctly. The page downloads the test set (4.4 MB) and evaluates the three versions in a Web Worker, now, in your browser.' }),
    status.el, results);
  let result = null;
  let current = scheme;
  let started = false;

  function draw() {
    if (!result) return;
    const r = result;
    const int8 = r[current];
    schemeRadios.set(current);
    fill(numbers,
      h('div', {}, h('dt', { text: 'float32' }), h('dd', { class: 'acc-fp32', title: `${(r.fp32.accuracy * r.count).toFixed(0)} of ${r.count} test images`, text: percent(r.fp32.accuracy) })),
      h('div', {}, h('dt', { text: `int8, ${SCHEME_LABELS.tensor}` }), h('dd', { class: 'acc-tensor', title: `${(r.tensor.accuracy * r.count).toFixed(0)} of ${r.count} test images`, text: percent(r.tensor.accuracy) })),
      h('div', {}, h('dt', { text: `int8, ${SCHEME_LABELS.channel}` }), h('dd', { class: 'acc-channel', title: `${(r.channel.accuracy * r.count).toFixed(0)} of ${r.count} test images`, text: percent(r.channel.accuracy) })));
    verdict.textContent = `Per tensor: ${compareAccuracy(r.tensor.accuracy, r.fp32.accuracy)}. Per channel: ${compareAccuracy(r.channel.accuracy, r.fp32.accuracy)}. ` +
      `One standard error of an accuracy near 87% over 10,000 images is about 0.3 points, so a smaller difference says nothing about which version is better: int8 changes which images are misclassified (below) far more than how many.`;
    confusion.update((c) => confusionChart(c, int8, r.fp32),
      `Rows are the true classes, columns the int8 network’s predictions (${SCHEME_LABELS[current]}); the diagonal holds the ${grouped(int8.correct)} correct answers. ` +
      `The largest confusions: ${topConfusions(int8).join('; ')}. Hover a cell for its count and float32’s.`);
    gridText.textContent = int8.disagree === 0
      ? 'float32 and int8 give the same class for every test image.'
      : `float32 and int8 (${SCHEME_LABELS[current]}) give different classes for ${int8.disagree} of ${grouped(r.count)} test images` +
        `${int8.disagree > int8.shown.length ? `; the first ${int8.shown.length} are shown` : ''}. Most are images the network is unsure about (a shirt or a pullover?), where a small change of the outputs swaps the top two classes.`;
    fill(grid, int8.shown.map((index, j) => imageFigure(int8.pixels.subarray(j * 784, (j + 1) * 784),
      { index, label: r.labels[index], fp32: r.fp32.predictions[index], int8: int8.predictions[index] })));
  }

  return {
    el,
    show(next) {
      current = next;
      if (!started) {
        started = true;
        status.start({ lab, exercise: 'ex4', job: 'trained', needs: ['test', 'model'] }, (res) => {
          result = res;
          results.hidden = false;
          draw();
        });
      } else draw();
    },
    destroy() {
      status.destroy();
      confusion.destroy();
    },
  };
}

function topConfusions(evaluation) {
  const cells = [];
  evaluation.confusion.forEach((row, t) => row.forEach((v, p) => { if (t !== p) cells.push({ t, p, v }); }));
  return cells.sort((a, b) => b.v - a.v).slice(0, 3).map((c) => `${CLASS_NAMES[c.t]} taken for ${CLASS_NAMES[c.p]} ${c.v} times`);
}

/**
 * Adds the weights switch to exercise 4's page: `page.mountLab` draws the notebook's random network as before;
 * with weights=trained its part is hidden and the trained section shown.
 */
export function withTrainedMode(page) {
  return {
    ...page,
    mountLab(root, ctx) {
      let params = { ...ctx.params };
      const randomHost = h('div', { class: 'random-weights' });
      const trainedHost = h('div', { class: 'trained-weights' });
      const weights = radioGroup({
        legend: 'Weights',
        labels: WEIGHT_LABELS,
        onChange: (w) => { params = { ...params, weights: w }; ctx.setParams(params); show(); },
      });
      root.append(h('div', { class: 'controls weights-switch' }, weights.field), randomHost, trainedHost);
      const inner = page.mountLab(randomHost, {
        ...ctx,
        setParams: (next) => { params = { ...params, ...next }; ctx.setParams(params); },
      });
      let trained = null;
      function show() {
        weights.set(params.weights);
        const isTrained = params.weights === 'trained';
        randomHost.hidden = isTrained;
        trainedHost.hidden = !isTrained;
        if (!isTrained) return;
        if (!trained) {
          trained = trainedView({
            lab: ctx.lab,
            scheme: params.scheme,
            onScheme: (scheme) => {
              params = { ...params, scheme };
              ctx.setParams(params);
              inner.update(params);
              show();
            },
          });
          trainedHost.append(trained.el);
        }
        trained.show(params.scheme);
      }
      show();
      return {
        update(next) {
          params = { ...next };
          inner.update(next);
          show();
        },
        destroy() {
          trained?.destroy();
          inner.destroy();
        },
      };
    },
  };
}
