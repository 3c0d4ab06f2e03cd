// The exercise registry: its rules, and that every exercise is the one folder (page, tasks) plus its own tests
// the recipe in docs/design.md ("Adding an exercise") asks for.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';

import { STATE } from '../../web/src/app/state.js';
import { checkEntries, EXERCISES, exerciseById, exerciseByNumber } from '../../web/src/exercises/registry.js';
import { int } from '../../web/src/app/params.js';
import { repoRoot } from './load.mjs';

const entry = (number, extra = {}) => ({
  id: `ex${number}`, number, slug: 'example', nav: 'Example', title: 'An example', blurb: 'One line.',
  params: {}, page: () => Promise.resolve({}), ...extra,
});

describe('the registry', () => {
  it('holds every exercise once, with an id made from its number', () => {
    assert.ok(EXERCISES.length >= 4);
    assert.equal(new Set(EXERCISES.map((e) => e.id)).size, EXERCISES.length);
    for (const e of EXERCISES) {
      assert.equal(e.id, `ex${e.number}`);
      assert.equal(exerciseById(e.id), e);
      assert.equal(exerciseByNumber(e.number), e);
      assert.equal(e.folder, `${e.id}-${e.slug}`);
    }
    assert.equal(exerciseById('ex99'), undefined);
    assert.equal(exerciseById('__proto__'), undefined);
  });

  it('keeps the routes and links of exercises 1 to 4', () => {
    assert.deepEqual(['ex1', 'ex2', 'ex3', 'ex4'].map((id) => exerciseById(id).number), [1, 2, 3, 4]);
    assert.deepEqual(Object.keys(STATE), ['', ...EXERCISES.map((e) => e.id)]);
    assert.deepEqual(Object.keys(STATE.ex1), ['bits', 'w']);
    assert.deepEqual(Object.keys(STATE.ex2), ['bits', 's']);
    assert.deepEqual(Object.keys(STATE.ex3), ['dist', 'hi']);
    assert.deepEqual(Object.keys(STATE.ex4), ['seed', 'scheme', 'input', 'weights']); // weights: added with the old meaning as default
  });

  for (const e of EXERCISES) {
    it(`${e.id}: one folder, web/src/exercises/${e.folder}/, with its page, its tasks and its own tests`, async () => {
      const folder = `${repoRoot}web/src/exercises/${e.folder}/`;
      assert.ok(existsSync(`${folder}lab.js`), 'lab.js');
      const page = await e.page(); // Chart.js and the page modules load without a DOM
      assert.equal(page, await import(`${folder}lab.js`), 'the page loader names the folder\'s lab.js');
      assert.ok(page.default.lesson.idea.length > 0, 'lab.js exports {lesson, mountLab}');
      if (e.tasks) assert.equal(await e.tasks(), await import(`${folder}tasks.js`), 'the tasks loader names the folder\'s tasks.js (the runner worker finds it there)');
      assert.ok(existsSync(`${repoRoot}tests/node/exercises/${e.folder}.test.mjs`), `tests/node/exercises/${e.folder}.test.mjs`);
      assert.ok(existsSync(`${repoRoot}tests/browser/exercises/${e.folder}.test.mjs`), `tests/browser/exercises/${e.folder}.test.mjs`);
    });
  }

  it('accepts any numbers in any order: an exercise 0 first does not move exercise 1', () => {
    const entries = checkEntries([entry(0), entry(1), entry(7), entry(5)]);
    assert.deepEqual(entries.map((e) => e.number), [0, 1, 7, 5]);
  });

  it('rejects entries that break its rules, naming the entry and the rule', () => {
    const bad = [
      [[entry(1), entry(1)], /"ex1": declared twice/],
      [[entry(2, { id: 'two' })], /"two": the id must be 'ex2'/],
      [[entry(100)], /number must be an integer from 0 to 99/],
      [[entry(1.5)], /number must be an integer/],
      [[entry(1, { slug: 'Per Channel' })], /slug must be lowercase words/],
      [[entry(1, { title: '' })], /title is missing/],
      [[entry(1, { params: { hide: int(0, 1, 0) } })], /parameter name 'hide' cannot be used/],
      [[entry(1, { params: { Bits: int(0, 1, 0) } })], /parameter name 'Bits' cannot be used/],
      [[entry(1, { params: { bits: { def: 1 } } })], /parameter 'bits' needs a type/],
      [[entry(1, { page: './lab.js' })], /page must be a loader/],
      [[entry(1, { tasks: {} })], /tasks must be a loader or absent/],
    ];
    for (const [entries, message] of bad) assert.throws(() => checkEntries(entries), message);
  });
});
