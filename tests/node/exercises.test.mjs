// Learner mode without a browser, for every exercise of the registry: the reference solution passes all its
// checks (visible and hidden), the starter code runs but fails them with messages, and the solution's demo prints.
// What each exercise's checks say to typical mistakes is tested in exercises/<folder>.test.mjs.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { EXERCISES } from '../../web/src/exercises/registry.js';
import { runCode } from '../../web/src/learner/sandbox.js';
import { checkCode } from './learner-realm.mjs';
import { createQuantLab } from './load.mjs';

let lab;
before(async () => {
  lab = await createQuantLab();
});

const failures = (result) => result.tests.filter((t) => !t.passed);

for (const entry of EXERCISES.filter((e) => e.tasks)) {
  describe(`${entry.id} learner mode`, () => {
    let task;
    before(async () => {
      task = (await entry.tasks()).default;
    });

    it('declares its functions, starter, solution, hints and tests', async () => {
      assert.ok(task.functions.length >= 1);
      for (const key of ['starter', 'solution']) assert.equal(typeof task[key], 'string');
      assert.ok(task.hints.length >= 3, 'has hints');
      assert.ok(task.tests.some((t) => t.hidden), 'has hidden tests');
      assert.ok(task.tests.some((t) => !t.hidden), 'has visible tests');
      const names = task.tests.map((t) => t.name);
      assert.equal(new Set(names).size, names.length, 'test names are unique');
    });

    it('the reference solution passes every check, visible and hidden', async () => {
      const result = await checkCode(task, task.solution, lab);
      assert.equal(result.error, null);
      assert.deepEqual(failures(result), []);
      assert.equal(result.ok, true);
    });

    it('the starter code runs without an exception but fails the checks with messages', async () => {
      assert.equal(runCode(task, task.starter, lab).error, null);
      const result = await checkCode(task, task.starter, lab);
      assert.equal(result.ok, false);
      for (const t of failures(result)) assert.ok(t.message.length > 20, `${t.name}: "${t.message}"`);
    });

    it('the solution prints what the demo promises', async () => {
      const { output, error } = runCode(task, task.solution, lab);
      assert.equal(error, null);
      assert.ok(output.length >= 3);
    });
  });
}
