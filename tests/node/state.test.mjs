// The URL state (app/state.js, app/params.js): the links the lab writes parse back to the same view, canonical
// links stay as they are, and hostile or broken hashes are dropped by name, never evaluated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { choice, int, numberList, parseNumber } from '../../web/src/app/params.js';
import { defaults, formatHash, MAX_HASH_LENGTH, parseHash, STATE } from '../../web/src/app/state.js';

describe('parameter types', () => {
  it('int accepts whole numbers within its bounds only', () => {
    const t = int(2, 16, 8);
    assert.deepEqual(['2', '16', '08'].map(t.parse), [2, 16, 8]);
    for (const bad of ['1', '17', '-0', '4.5', '1e1', ' 4', '', 'x', '1234567']) assert.equal(t.parse(bad), undefined, bad);
    assert.equal(t.format(4), '4');
  });

  it('choice accepts its words only, and lists them', () => {
    const t = choice(['a', 'b'], 'a');
    assert.deepEqual(t.values, ['a', 'b']);
    assert.equal(t.parse('b'), 'b');
    for (const bad of ['A', 'constructor', '__proto__', '']) assert.equal(t.parse(bad), undefined, bad);
  });

  it('parseNumber takes finite decimal numbers up to 1e9 in size, and nothing else', () => {
    assert.deepEqual(['0.5', '-1', '+2', '.25', '1e-3', '3E2', ' 7 '].map((s) => parseNumber(s)), [0.5, -1, 2, 0.25, 0.001, 300, 7]);
    for (const bad of ['1e10', 'NaN', 'Infinity', '0x10', '1,5', '', '1e', '--1', '1e999']) assert.equal(parseNumber(bad), undefined, bad);
  });

  it('numberList checks the count and the bounds of every value', () => {
    const t = numberList({ minLength: 2, maxLength: 3, min: 0, max: 1, def: [0, 1] });
    assert.deepEqual(t.parse('0.5,1'), [0.5, 1]);
    for (const bad of ['0.5', '0,0,0,0', '0,2', '0,-0.1', '0,,1', '0,x']) assert.equal(t.parse(bad), undefined, bad);
    assert.equal(t.format([0.25, 1]), '0.25,1');
  });
});

describe('parseHash and formatHash', () => {
  // Links the lab has written, each with the state it stands for.
  const LINKS = [
    ['#/', '', {}],
    ['#/ex1', 'ex1', { bits: 8, w: [0.247, -0.103, 0.089, -0.156, 0.312, -0.278] }],
    ['#/ex1?bits=3&w=0.5,-1,0.25', 'ex1', { bits: 3, w: [0.5, -1, 0.25] }],
    ['#/ex2?bits=4', 'ex2', { bits: 4, s: [0.01, 0.1, 1, 10] }],
    ['#/ex2?bits=4&s=0.5,0.1,1,10', 'ex2', { bits: 4, s: [0.5, 0.1, 1, 10] }],
    ['#/ex3?dist=outliers', 'ex3', { dist: 'outliers', hi: 8 }],
    ['#/ex3?dist=uniform&hi=12', 'ex3', { dist: 'uniform', hi: 12 }],
    ['#/ex4?seed=7&scheme=channel', 'ex4', { seed: 7, scheme: 'channel', input: 0, weights: 'random' }],
    ['#/ex4?seed=7&scheme=channel&input=99', 'ex4', { seed: 7, scheme: 'channel', input: 99, weights: 'random' }],
    ['#/ex4?scheme=channel&weights=trained', 'ex4', { seed: 0, scheme: 'channel', input: 0, weights: 'trained' }],
    ['#/ex5?bits=6', 'ex5', { bits: 6 }],
    ['#/ex6?method=p9999&bits=4', 'ex6', { method: 'p9999', bits: '4' }],
  ];
  for (const [link, route, params] of LINKS) {
    it(`${link} opens route '${route}' with its state, and is written back the same`, () => {
      const parsed = parseHash(link);
      assert.deepEqual(parsed, { route, params, ignored: [], unknownRoute: false });
      assert.equal(formatHash(route, params), link);
    });
  }

  it('reads links written another way, and says how the lab writes them', () => {
    assert.equal(formatHash('ex2', parseHash('#ex2?s=0.01,0.1,1,10&bits=8').params), '#/ex2');
    assert.equal(formatHash('ex1', parseHash('#/ex1?w=0.5%2C-1').params), '#/ex1?w=0.5,-1');
    assert.deepEqual(parseHash('').route, '');
  });

  it('drops what the table does not allow, by name, and never throws', () => {
    const cases = [
      ['#/ex1?bits=99&w=<img src=x onerror=alert(1)>', 'ex1', ['bits', 'w']],
      ['#/ex2?s=1e400,NaN,-1,0&bits=8.5&__proto__=1', 'ex2', ['s', 'bits', '__proto__']],
      ['#/ex3?dist=constructor&hi=1', 'ex3', ['dist', 'hi']],
      ['#/ex1?bits=%E0%A4%A', 'ex1', ['bits']],
      ['#/ex4?seed=-1&scheme=both&input=1e9&what=ever', 'ex4', ['seed', 'scheme', 'input', 'what']],
      ['#/ex6?method=p50&bits=3&weights=trained', 'ex6', ['method', 'bits', 'weights']],
    ];
    for (const [hash, route, ignored] of cases) {
      const parsed = parseHash(hash);
      assert.equal(parsed.route, route, hash);
      assert.deepEqual(parsed.ignored, ignored, hash);
      assert.deepEqual(parsed.params, defaults(route), hash);
    }
    for (const hash of ['#/<img src=x>', '#/__proto__', '#/constructor', '#/ex42', '#/EX1']) {
      assert.deepEqual(parseHash(hash), { route: '', params: {}, ignored: [], unknownRoute: true }, hash);
    }
    assert.deepEqual(parseHash(`#/ex1?w=${'9,'.repeat(MAX_HASH_LENGTH)}`),
      { route: '', params: {}, ignored: ['the whole link (too long)'], unknownRoute: true });
    for (const odd of [undefined, null, 42, {}]) assert.equal(parseHash(odd).route, '');
  });

  it('gives fresh defaults: changing one never changes the table', () => {
    const a = defaults('ex1');
    a.w.push(1);
    assert.equal(defaults('ex1').w.length, 6);
    assert.equal(STATE.ex1.w.def.length, 6);
  });
});
