// The heap soak (issue 10, beyond the list): interactions with the controls of each exercise page, plus Runs and
// Checks, must leave the page's WebAssembly heap (the allocator's bytes in use) and its JavaScript heap (after a
// forced garbage collection) less than 1 MB larger than after a warm-up. The interactions are driven from inside the
// page in batches (one evaluate per batch); in a long soak each measured interaction gets an animation frame of its
// own, as a learner's input events do (see interact()). The suite runs 200 measured interactions per exercise with 2
// Runs/Checks; QUANTLAB_SOAK=10000 runs the issue's 10,000 on demand. Controls that rebuild networks (exercise 4's
// seed and scheme) get at most HEAVY_CAP interactions in the warm-up and as many in the measured part.
//
// The warm-up (WARMUP interactions back to back, then the Runs/Checks; 300 in the suite, 2,000 before a longer soak)
// is long because what a page's heap gains over its first few hundred interactions is bounded and is not ours to
// free: V8's optimized code for the functions that became hot (about 0.8 MB on exercise 1, 1 MB on exercise 8, in
// heap snapshots: InstructionStream, TrustedByteArray), and Chromium's performance timeline, which keeps the latest
// 200 long-animation-frame and 150 layout-shift entries. Measured from 50 interactions on (one frame each), exercise
// 1's JS heap grew +0.76 MB by 550, +1.14 MB by 2,050 and +1.10 MB by 4,050; exercise 8's +1.88 MB by 1,050, +1.63
// MB by 2,050 and +2.02 MB by 4,050: flat after the first thousand, up and down with what the last redraw resolved
// (Chart.js option resolvers, per chart). With the warm-up, 10,000 measured interactions grew exercise 1's JS heap
// by +0.40 MB and exercise 8's by +0.46 MB (WebAssembly: 0), in 497 and 580 s on a busy 2-core machine. The suite's
// run took 2 min 15 s there (1 min 50 s with the former 50-interaction warm-up, whose 200 interactions grew the JS
// heap by up to 0.92 MB); its largest growth was +0.33 MB.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { EXERCISES } from '../../web/src/exercises/registry.js';
import { launch, setCode, withPage } from './browser.mjs';

const INTERACTIONS = Number(process.env.QUANTLAB_SOAK ?? 200);
const BATCH = 250;
const WARMUP = Number(process.env.QUANTLAB_SOAK_WARMUP ?? (INTERACTIONS > 200 ? 2000 : 300));
// One animation frame per measured interaction in a long soak (see interact()); the suite's 200 fit in one batch, which
// leaves at most one long-animation-frame entry, so they run back to back and the suite keeps its time.
const FRAMES = INTERACTIONS > BATCH;
const HEAVY = { ex4: '.seed, input[type=radio]' }; // controls that build new networks, by exercise
const HEAVY_CAP = 40; // heavy interactions per control in the warm-up, and as many again in the measured part
const JOBS = INTERACTIONS > 200 ? 4 : 2; // Runs and Checks
const LIMIT_BYTES = 1 << 20;
// What interact() drives.
const CONTROLS = '.lab input[type=range], .lab select, .lab input[type=text], .lab textarea, .lab input[type=radio]';

let env;
before(async () => { env = await launch(); });
after(async () => { await env?.close(); });

/**
 * n interactions, in the page: each moves one control of the lab to its next value and fires its events. With
 * `frames`, each interaction gets an animation frame of its own, as a learner's input events do: Chromium records
 * every frame longer than 50 ms (a long-animation-frame entry, kept in the performance timeline up to 200 entries)
 * with the event listeners that ran in it, so interactions run back to back in one task leave one entry holding
 * hundreds of script timings per batch, a growth no learner can cause.
 */
function interact(page, start, n, heavy, frames, heavyCap) {
  return page.evaluate(async ({ selector, start, n, heavy, heavyCap, frames }) => {
    const controls = [...document.querySelectorAll(selector)]
      // Not exercise 4's weights switch: it swaps the page for the trained network's (tests/browser/exercises/ex4-trained).
      .filter((el) => !el.disabled && el.offsetParent !== null && !el.closest('.weights-switch'));
    window.soakCounts ??= new Map();
    const next = (el, k) => {
      if (el.type === 'range') {
        const min = Number(el.min); const max = Number(el.max); const step = Number(el.step) || 1;
        const levels = Math.floor((max - min) / step) + 1;
        el.value = String(min + ((k % levels) * step));
      } else if (el.tagName === 'SELECT') {
        el.selectedIndex = k % el.options.length;
      } else if (el.type === 'radio') {
        el.checked = true;
      } else if (el.inputMode === 'numeric') {
        el.value = String(k % 5);
      } else {
        el.value = k % 3 === 0 ? '0.5, -1, 0.25' : k % 3 === 1 ? `${(k % 97) / 10}, -0.3, 1e-3` : 'oops';
      }
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    };
    const isHeavy = (el) => heavy && el.matches(heavy);
    let done = 0;
    for (let k = start, tries = 0; done < n && tries < 10 * n; k++, tries++) {
      const el = controls[k % controls.length];
      const count = window.soakCounts.get(el) ?? 0;
      if (isHeavy(el) && count >= heavyCap) continue; // heavyCap counts the warm-up's too
      next(el, count + 1);
      window.soakCounts.set(el, count + 1);
      done++;
      if (frames) await new Promise((resolve) => { requestAnimationFrame(() => setTimeout(resolve, 0)); });
    }
    return { done, controls: controls.length, heavy: controls.filter(isHeavy).length };
  }, { selector: CONTROLS, start, n, heavy, heavyCap, frames });
}

/**
 * Saves (`save`) or puts back the value of every control of the lab, firing its events, so that the page shows the
 * same view when the heaps are measured after the soak as before it. What a view holds depends on what it shows
 * (how many level lines and bars Chart.js has resolved options for, which results are drawn): exercise 8's JS heap
 * measured in two different views differed by up to 0.5 MB either way, with nothing accumulated.
 */
function controlValues(page, save) {
  return page.evaluate(({ selector, save }) => {
    const controls = [...document.querySelectorAll(selector)];
    if (save) {
      window.soakSaved = controls.map((el) => ({ el, value: el.value, checked: el.checked, index: el.selectedIndex }));
      return 0;
    }
    let changed = 0;
    for (let pass = 0; pass < 2; pass++) { // twice: a control may be disabled until another one is back
      for (const { el, value, checked, index } of window.soakSaved) {
        if (el.disabled) continue;
        if (el.type === 'radio') {
          if (!checked || el.checked) continue;
          el.checked = true;
        } else if (el.tagName === 'SELECT') {
          if (el.selectedIndex === index) continue;
          el.selectedIndex = index;
        } else {
          if (el.value === value) continue;
          el.value = value;
        }
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
        changed++;
      }
    }
    return changed;
  }, { selector: CONTROLS, save });
}

async function heaps(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.quantlabMemoryStats());
  return { js: usedSize, wasm: wasm.allocatedBytes, wasmHeap: wasm.heapBytes };
}

describe('heap soak', () => {
  for (const entry of EXERCISES) {
    it(`${entry.id}: ${INTERACTIONS} control interactions and ${JOBS} Runs and Checks keep both heaps within 1 MB`, async () => {
      await withPage(env, `#/${entry.id}`, {}, async ({ page }) => {
        const cdp = await page.context().newCDPSession(page);
        const task = entry.tasks ? (await entry.tasks()).default : null;
        const t0 = Date.now();
        const heavy = HEAVY[entry.id] ?? null;
        // A real-data page (exercises 5 and 6) evaluates on the test images as it opens: its results are the page's,
        // not growth, so the soak starts once every job has finished.
        const dataJobsDone = () => page.waitForFunction(() => [...document.querySelectorAll('.data-job')].every((el) => el.hidden || el.querySelector('progress')?.hidden),
          null, { timeout: 180000, polling: 250 });
        await dataJobsDone();
        // Warm-up (see the top of this file): lazily created caches, Chart.js's first layouts, V8's optimized code.
        for (let done = 0; done < WARMUP;) {
          const { done: n } = await interact(page, done, Math.min(BATCH, WARMUP - done), heavy, false, HEAVY_CAP);
          if (!n) break;
          done += n;
        }
        const job = async (i) => {
          await page.locator('.run-status').evaluate((el) => { el.textContent = ''; });
          await page.getByRole('button', { name: i % 2 ? 'Check' : 'Run', exact: true }).click();
          await page.waitForFunction(() => /Ran in|checks pass|stopped|Stopped|syntax/.test(
            (document.querySelector('.run-status')?.textContent ?? '') + (document.querySelector('.run-output')?.textContent ?? '')), null, { timeout: 60000 });
        };
        if (task) {
          await setCode(page, task.solution);
          await job(0);
          await job(1);
        }
        await controlValues(page, true);
        const before = await heaps(page, cdp);
        const t1 = Date.now();
        let total = 0;
        let info = null;
        while (total < INTERACTIONS) {
          info = await interact(page, WARMUP + total, Math.min(BATCH, INTERACTIONS - total), heavy, FRAMES, 2 * HEAVY_CAP);
          total += info.done;
          if (info.done === 0) break;
        }
        await controlValues(page, false); // the view measured before
        if (task) for (let i = 0; i < JOBS; i++) await job(i);
        // A control that changes what exercise 8 measures starts a job on the trained network: what a job in flight
        // holds is not growth either.
        await dataJobsDone();
        const afterSoak = await heaps(page, cdp);
        const grown = { js: afterSoak.js - before.js, wasm: afterSoak.wasm - before.wasm };
        console.log(`# soak ${entry.id}: after a warm-up of ${WARMUP} interactions, ${total} more${FRAMES ? ' (one frame each)' : ''} on ${info.controls} controls ` +
          `(${info.heavy} of them heavy, at most ${HEAVY_CAP} each in the measured part)${task ? ` and ${JOBS} Runs/Checks` : ''}, ${((Date.now() - t0) / 1000).toFixed(1)} s in all ` +
          `(${((Date.now() - t1) / 1000).toFixed(1)} s measured); JS heap after forced GC ${before.js} -> ${afterSoak.js} bytes ` +
          `(${grown.js >= 0 ? '+' : ''}${grown.js}), WebAssembly in use ${before.wasm} -> ${afterSoak.wasm} (${grown.wasm >= 0 ? '+' : ''}${grown.wasm}), ` +
          `WebAssembly memory ${afterSoak.wasmHeap} bytes`);
        assert.equal(total, INTERACTIONS, `only ${total} interactions`);
        assert.ok(info.controls > info.heavy, 'the page has cheap controls to drive');
        assert.ok(grown.js < LIMIT_BYTES, `the JS heap grew by ${grown.js} bytes`);
        assert.ok(grown.wasm < LIMIT_BYTES, `the WebAssembly heap grew by ${grown.wasm} bytes`);
        await cdp.detach();
      });
    });
  }
});
