// What the lab keeps in localStorage (app/store.js), under the keys learners' browsers already hold: the code
// (quantlab:code:<exercise>, and an embedding's slots such as quantlab:code:ex2:2), the status
// (quantlab:status:<exercise>) and the theme (quantlab:theme). A missing or refusing storage loses nothing else.
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

import { eraseAll, getStatus, getTheme, loadCode, markStatus, onChange, saveCode, setTheme, STATUS } from '../../web/src/app/store.js';

/** A Storage with the methods the store uses, over a Map. */
function memoryStorage(initial = {}) {
  const map = new Map(Object.entries(initial));
  return {
    map,
    get length() { return map.size; },
    key: (i) => [...map.keys()][i] ?? null,
    getItem: (k) => (map.has(k) ? map.get(k) : null),
    setItem: (k, v) => { map.set(k, String(v)); },
    removeItem: (k) => { map.delete(k); },
  };
}

let storage;
beforeEach(() => {
  storage = memoryStorage();
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true, writable: true });
});

describe('the store', () => {
  it('reads what earlier versions of the lab saved, under the same keys', () => {
    storage = memoryStorage({ 'quantlab:code:ex1': '// mine', 'quantlab:status:ex2': 'passed', 'quantlab:status:ex3': 'attempted', 'quantlab:theme': 'dark', 'quantlab:code:ex2:chapter-3': '// slot' });
    globalThis.localStorage = storage;
    assert.equal(loadCode('ex1'), '// mine');
    assert.equal(loadCode('ex2:chapter-3'), '// slot');
    assert.equal(loadCode('ex4'), null);
    assert.deepEqual(['ex1', 'ex2', 'ex3'].map(getStatus), [STATUS.NOT_STARTED, STATUS.PASSED, STATUS.ATTEMPTED]);
    assert.equal(getTheme(), 'dark');
  });

  it('writes code, status and theme under quantlab: keys', () => {
    saveCode('ex2', 'let x = 1;');
    saveCode('ex2:2', '// second widget');
    markStatus('ex3', STATUS.ATTEMPTED);
    setTheme('light');
    assert.deepEqual(Object.fromEntries(storage.map), {
      'quantlab:code:ex2': 'let x = 1;', 'quantlab:code:ex2:2': '// second widget', 'quantlab:status:ex3': 'attempted', 'quantlab:theme': 'light',
    });
    setTheme('system');
    assert.equal(storage.getItem('quantlab:theme'), null);
  });

  it('moves a status forward only, and tells listeners', () => {
    const heard = [];
    const off = onChange(() => heard.push(getStatus('ex1')));
    markStatus('ex1', STATUS.PASSED);
    markStatus('ex1', STATUS.ATTEMPTED);
    off();
    markStatus('ex4', STATUS.PASSED);
    assert.equal(getStatus('ex1'), STATUS.PASSED);
    assert.deepEqual(heard, ['passed']);
  });

  it('ignores values it did not write', () => {
    storage.setItem('quantlab:status:ex1', 'hacked');
    storage.setItem('quantlab:theme', 'neon');
    assert.equal(getStatus('ex1'), STATUS.NOT_STARTED);
    assert.equal(getTheme(), 'system');
  });

  it('erases exactly its own keys', () => {
    storage.setItem('other-site', 'keep');
    saveCode('ex1', 'x');
    markStatus('ex1', STATUS.PASSED);
    eraseAll();
    assert.deepEqual([...storage.map.keys()], ['other-site']);
  });

  it('keeps working when storage is missing or refuses', () => {
    globalThis.localStorage = undefined;
    assert.equal(saveCode('ex1', 'x'), false);
    assert.equal(loadCode('ex1'), null);
    globalThis.localStorage = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('quota'); }, removeItem() { throw new Error('denied'); }, key: () => null, length: 0 };
    assert.equal(saveCode('ex1', 'x'), false);
    assert.equal(getStatus('ex1'), STATUS.NOT_STARTED);
    assert.doesNotThrow(() => { markStatus('ex1', STATUS.PASSED); eraseAll(); setTheme('system'); });
  });
});
