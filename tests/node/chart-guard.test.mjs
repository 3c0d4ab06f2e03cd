// The chart guard (web/src/ui/chart-guard.js): a chart whose numbers are not finite, or whose axis would be too
// small for Chart.js's tick loops (subnormal limits freeze the page), is refused with a reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { chartProblem } from '../../web/src/ui/chart-guard.js';

const scatter = (points, scales = {}) => ({ type: 'scatter', data: { datasets: [{ data: points }] }, options: { scales } });
const bars = (values, scales = {}) => ({ type: 'bar', data: { labels: values.map(String), datasets: [{ data: values }] }, options: { scales } });

describe('the chart guard', () => {
  it('lets sane charts through, zeros and mixed magnitudes included', () => {
    assert.equal(chartProblem(scatter([{ x: -0.5, y: 0 }, { x: 1e-250, y: 0 }, { x: 2, y: 1 }])), null);
    assert.equal(chartProblem(bars([0, 0, 0])), null);
    assert.equal(chartProblem(scatter([{ x: 1, y: 1 }], { x: { min: -2, max: 2, ticks: { stepSize: 0.5 } } })), null);
    assert.equal(chartProblem(bars([1e-3, 5e-7], { y: { type: 'logarithmic', min: 1e-7, max: 1 } })), null);
  });

  const hostile = {
    'a subnormal axis from the data (w = 1e-310)': [scatter([{ x: 1e-310, y: 0 }, { x: -1e-310, y: 0 }]), /x axis would span only 1\.00e-310/],
    'a tiny normal axis (w = 3e-308 at 2 bits)': [scatter([{ x: 3e-308, y: 1 }]), /x axis would span only 3\.00e-308/],
    'subnormal explicit limits': [scatter([{ x: 0, y: 0 }], { x: { min: -5e-324, max: 5e-324 } }), /x axis would span only/],
    'Infinity in the data': [bars([1, Infinity]), /a value is Infinity/],
    'NaN in a point': [scatter([{ x: NaN, y: 1 }]), /a value is NaN/],
    'a non-finite limit': [scatter([{ x: 1, y: 1 }], { y: { max: -Infinity } }), /the y axis's max is -Infinity/],
    'a zero tick step': [scatter([{ x: 1, y: 1 }], { x: { ticks: { stepSize: 0 } } }), /tick step 0/],
    'a tiny bar chart': [bars([2e-301, 1e-300]), /y axis would span only 1\.00e-300/],
  };
  for (const [what, [config, message]] of Object.entries(hostile)) {
    it(`refuses ${what}`, () => assert.match(chartProblem(config) ?? '', message));
  }
});
