// Shared by the tests of each exercise's checks: the lab, the task, and the message a check gives to a mistake.
import assert from 'node:assert/strict';

import { exerciseById } from '../../../web/src/exercises/registry.js';
import { checkCode } from '../learner-realm.mjs';
import { createQuantLab } from '../load.mjs';

export { checkCode };
export const lab = await createQuantLab();

/** The task of exercise `id` (its tasks.js, through the registry). */
export const taskOf = async (id) => (await exerciseById(id).tasks()).default;

/** The solution with one function replaced (matched from `function name(` to the next line that is just "}"). */
export function withFunction(task, name, body) {
  const re = new RegExp(`function ${name}\\([^]*?\\n}\\n`);
  assert.match(task.solution, re);
  return task.solution.replace(re, `${body.trim()}\n`);
}

/** The message of the first test whose name starts with `test`, which must fail for `code`. */
export async function messageOf(task, code, test) {
  const result = await checkCode(task, code, lab);
  const found = result.tests.find((t) => t.name.startsWith(test));
  assert.ok(found, `no test starting with "${test}"`);
  assert.equal(found.passed, false, `${test} should fail`);
  return found.message;
}
