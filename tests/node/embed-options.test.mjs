// Embedding without a browser: the options an embed reads (embed/options.js) from attributes or a hash, and the
// snippets "Copy embed code" gives (embed/snippets.js). Attribute names and their meaning are the README's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { EMBED_OPTIONS, FRAME_OPTIONS, PARTS } from '../../web/src/embed/names.js';
import { readOptions, STATE_KEYS } from '../../web/src/embed/options.js';
import { embedSnippets } from '../../web/src/embed/snippets.js';
import { EXERCISES } from '../../web/src/exercises/registry.js';

const read = (attributes, options) => readOptions((name) => attributes[name] ?? null, options);

describe('embed options', () => {
  it('names the same options as before, and every exercise parameter', () => {
    assert.deepEqual(EMBED_OPTIONS, ['exercise', 'hide', 'theme', 'storage-key']);
    assert.deepEqual(FRAME_OPTIONS, ['parent']);
    assert.deepEqual(PARTS, ['text', 'editor', 'solution', 'benchmark']);
    for (const key of ['bits', 'w', 's', 'dist', 'hi', 'seed', 'scheme', 'input']) assert.ok(STATE_KEYS.includes(key), key);
    assert.deepEqual([...STATE_KEYS].sort(), [...new Set(EXERCISES.flatMap((e) => Object.keys(e.params)))].sort());
  });

  it('reads an exercise by number or id, its state, and the other options', () => {
    const o = read({ exercise: '2', bits: '4', hide: 'text, editor text', theme: 'dark', 'storage-key': 'chapter-3' });
    assert.deepEqual(o, {
      route: 'ex2', number: 2, title: 'Per-tensor vs per-channel', params: { bits: 4, s: [0.01, 0.1, 1, 10] },
      hide: ['text', 'editor'], theme: 'dark', storageKey: 'chapter-3', ignored: [],
    });
    assert.equal(read({ exercise: 'ex3' }).route, 'ex3');
    assert.equal(read({ exercise: ' EX4 ' }).route, 'ex4');
    for (const e of EXERCISES) assert.equal(read({ exercise: String(e.number) }).route, e.id);
  });

  it('says what is wrong with the exercise, listing the ones there are', () => {
    const numbers = EXERCISES.map((e) => e.number).join(', ');
    assert.deepEqual(read({}), { error: `choose an exercise with exercise="1" (one of ${numbers}).` });
    assert.deepEqual(read({ exercise: '42' }), { error: `there is no exercise “42”: use one of ${numbers}.` });
    assert.match(read({ exercise: '<img src=x onerror=alert(1)>'.repeat(3) }).error, /^there is no exercise “<img src=x onerror=alert\(1\)><img src=x o”/);
  });

  it('drops bad values and unknown names, and lists them', () => {
    const o = read({ exercise: '2', bits: '99', s: '<b>1</b>', dist: 'uniform', hide: 'editor bogus', theme: 'neon', 'storage-key': '../x' },
      { present: ['bits', 's', 'dist', 'what'] });
    assert.deepEqual(o.params, { bits: 8, s: [0.01, 0.1, 1, 10] });
    assert.deepEqual(o.hide, ['editor']);
    assert.equal(o.theme, 'system');
    assert.equal(o.storageKey, null);
    assert.deepEqual(o.ignored, ['bits', 's', 'dist', 'what', 'hide=bogus', 'theme', 'storage-key']);
    assert.deepEqual(read({ exercise: '1', parent: 'https://a.example' }, { present: ['parent'], extra: FRAME_OPTIONS }).ignored, []);
  });
});

describe('embed snippets', () => {
  it('give the web component and the iframe for an exercise in its current state', () => {
    const text = embedSnippets({ base: 'https://example.org/quantlab/', route: 'ex2', number: 2, title: 'Per-tensor vs per-channel', params: { bits: 4, s: [0.01, 0.1, 1, 10] } });
    assert.equal(text, [
      '<!-- QuantLab exercise 2 as a web component (the script once per page; one tag per exercise; hide="editor" and more in QuantLab\'s README) -->',
      '<script type="module" src="https://example.org/quantlab/quantlab-embed.js"></script>',
      '<quant-lab exercise="2" bits="4"></quant-lab>',
      '',
      '<!-- or as an iframe that takes the height of its content (quantlab-resizer.js once per page); add &parent=https://your.site to the src to let your page talk to it -->',
      '<iframe src="https://example.org/quantlab/embed.html#exercise=2&amp;bits=4" title="QuantLab exercise 2: Per-tensor vs per-channel"',
      '        style="width: 100%; border: 0" height="900"></iframe>',
      '<script src="https://example.org/quantlab/quantlab-resizer.js" defer></script>',
      '',
    ].join('\n'));
  });

  it('keep lists readable and escape what needs escaping', () => {
    const text = embedSnippets({ base: 'https://example.org/a"b/', route: 'ex1', number: 1, title: 'Symmetric <quantization> & more', params: { bits: 8, w: [0.5, -1] } });
    assert.match(text, /<quant-lab exercise="1" w="0\.5,-1"><\/quant-lab>/);
    assert.match(text, /embed\.html#exercise=1&amp;w=0\.5,-1"/);
    assert.match(text, /src="https:\/\/example\.org\/a&quot;b\/quantlab-embed\.js"/);
    assert.match(text, /title="QuantLab exercise 1: Symmetric &lt;quantization> &amp; more"/);
  });
});
