// Learner mode, the same on every exercise: a CodeMirror editor with the starter code, Run (prints what the code
// prints), Check (visible and hidden tests against the WebAssembly reference), hints one at a time, the solution
// behind a confirmation, and Reset. Code runs only in the runner worker. The code and the exercise's status are
// kept in localStorage (app/store.js): the code under `codeKey` (the exercise id, or the slot an embedding
// claimed). onProgress(type, detail) tells the exercise page what the learner did: 'started' (an edit, Run or
// Check) and 'checked' / 'completed' with {passed, total, score} after a Check.
import { loadCode, markStatus, STATUS } from '../app/store.js';
import { groupFailures } from '../checks/group.js';
import { h, fill, uid } from '../ui/dom.js';
import { createEditor } from './editor.js';
import { scoreOf } from './result.js';
import { Runner, TIME_LIMIT_MS } from './runner.js';
import { mountSaveNotice, SAVED_HELP } from './save-notice.js';

/** The task's functions that `code` never names: code saved for an earlier version of the exercise. */
export function missingFunctions(code, functions) {
  return functions.filter((name) => !new RegExp(`\\b${name}\\b`).test(code));
}

// Saved code that names none or only some of the functions the exercise asks for was most likely written for an
// earlier version of it: say so, and offer the new starter with the earlier code kept below it as comments.
function earlierCodeNotice(saved, task, editor, statusLine) {
  if (!saved || saved === task.starter) return null;
  const missing = missingFunctions(saved, task.functions);
  if (missing.length === 0) return null;
  const names = missing.map((n) => `${n}()`).join(', ');
  const notice = h('div', { class: 'notice earlier-code', role: 'status' });
  const take = button('Start from the new starter, keeping my code below it', () => {
    const kept = saved.split('\n').map((line) => `// ${line}`).join('\n');
    editor.setCode(`${task.starter.trimEnd()}\n\n// ---- Your earlier code, kept as comments ----\n${kept}\n`);
    notice.remove();
    statusLine.textContent = 'The new starter is in the editor, with your earlier code below it as comments. Ctrl+Z (⌘Z) brings back your code as it was.';
  });
  fill(notice,
    h('p', { text: `Your saved code does not define ${names}, which this exercise asks for: it was probably written for an earlier version of this exercise.` }),
    h('div', { class: 'button-row' }, take));
  return notice;
}

function button(text, onClick, extra = {}) {
  return h('button', { type: 'button', ...extra, on: { click: onClick } }, text);
}

/**
 * Mounts the learner panel for `task` (an exercise's tasks.js, see checks/run.js) into `parent`. `lab` is the
 * page's core: the runner worker gets its compiled WebAssembly module. `next`, when given ({href, label}), is the
 * "Next exercise →" link shown after a pass (the lab's own pages give it; an embedded exercise does not).
 * `onResult(result)` receives every Run and Check result (an exercise's lab may draw the learner's numbers from
 * result.plot, a plain cloneable field).
 * @returns {{editor, destroy(): void}}
 */
export function mountLearner(parent, { exercise, task, lab, codeKey = exercise, onProgress = () => {}, next = null, onResult = () => {} }) {
  const runner = new Runner({ simd: lab.simd, wasmModule: lab.wasmModule });
  let busy = false;

  const statusLine = h('p', { class: 'run-status', role: 'status', 'aria-live': 'polite' });
  const output = h('pre', { class: 'run-output', tabindex: '0', 'aria-label': 'Output of your code', hidden: true });
  const results = h('div', { class: 'check-results', hidden: true });
  const hintList = h('ol', {});
  const hintBox = h('div', { class: 'hints', hidden: true }, h('h3', { text: 'Hints' }), hintList);
  const solutionBox = h('div', { class: 'solution', hidden: true, 'data-part': 'solution' });
  const editorHost = h('div', { class: 'editor-host' });
  const editorHelpId = uid('editor-help');

  const saved = loadCode(codeKey);
  const editor = createEditor(editorHost, {
    doc: saved ?? task.starter,
    label: `Your code for ${exercise.replace('ex', 'exercise ')}`,
    root: parent.getRootNode(), // the document, or the shadow root of an embedded exercise
    onChange() {
      onProgress('started');
      saver.changed();
    },
  });
  const saveHelp = h('span', { text: SAVED_HELP });
  const saver = mountSaveNotice({
    codeKey,
    exercise,
    getCode: () => editor.getCode(),
    onHelp: (text) => { saveHelp.textContent = text; },
    onSaved: (code) => { if (code !== task.starter) markStatus(exercise, STATUS.ATTEMPTED); },
  });
  editor.view.contentDOM.setAttribute('aria-describedby', editorHelpId);
  const earlierNotice = earlierCodeNotice(saved, task, editor, statusLine);

  // ---- Run and Check ----

  const runButton = button('Run', () => execute('run'), { class: 'primary' });
  const checkButton = button('Check', () => execute('check'), { class: 'primary' });

  function errorText(error) {
    let line = error.line;
    if (error.name === 'SyntaxError' && !line) line = editor.syntaxErrorLine();
    editor.markError(line ?? null);
    return `${error.name}: ${error.message}${line ? ` (line ${line})` : ''}`;
  }

  function showOutput(lines, error) {
    output.hidden = false;
    const body = lines.length ? lines.join('\n') : '(your code printed nothing)';
    fill(output, body, error ? h('span', { class: 'error-text', text: `\n${errorText(error)}` }) : null);
  }

  const item = (t) => h('li', { class: t.passed ? 'pass' : 'fail' },
    h('span', { class: 'mark', 'aria-hidden': 'true', text: t.passed ? '✓' : '✗' }),
    h('span', { class: 'visually-hidden', text: t.passed ? 'Passed: ' : 'Failed: ' }),
    h('span', { class: 'test-name', text: t.name }));

  // Failures grouped by cause (checks/group.js): each cause's message once, the first to fix first, then the
  // checks it breaks; the passed checks after them, without notes.
  function showChecks(result) {
    results.hidden = false;
    const heading = result.tests.length
      ? `${result.passed} of ${result.total} checks pass${result.ok ? ' — exercise passed!' : ''}`
      : result.error?.name === 'SyntaxError' ? 'No check ran: fix the syntax error first.' : 'No check could run: see the error above.';
    const groups = groupFailures(result.tests).map((g, k) => h('section', { class: 'cause-group', 'data-cause': g.cause ?? '' },
      h('h3', { class: 'cause-title', text: k === 0 ? 'Fix this first' : 'Then' }),
      h('p', { class: 'cause-message', text: g.message }),
      h('p', { class: 'cause-breaks', text: g.tests.length === 1 ? 'It fails this check:' : `It fails these ${g.tests.length} checks:` }),
      h('ul', {}, g.tests.map((name) => item({ name, passed: false })))));
    const passed = result.tests.filter((t) => t.passed);
    const passList = passed.length && !result.ok
      ? h('details', { class: 'passed-checks' }, h('summary', { text: `${passed.length} check${passed.length === 1 ? '' : 's'} pass` }),
        h('ul', {}, passed.map(item)))
      : result.ok ? h('ul', {}, passed.map(item)) : null;
    const nextLink = result.ok && next
      ? h('p', { class: 'next-exercise' }, h('a', { class: 'button primary', href: next.href }, next.label))
      : null;
    fill(results, h('p', { class: result.ok ? 'summary pass' : 'summary fail', text: heading }), nextLink, ...groups, passList);
  }

  async function execute(action) {
    if (busy) return;
    busy = true;
    runButton.disabled = checkButton.disabled = true;
    editor.markError(null);
    statusLine.textContent = action === 'check' ? 'Checking…' : 'Running…';
    markStatus(exercise, STATUS.ATTEMPTED);
    onProgress('started');
    try {
      const result = await runner.run({ action, exercise, code: editor.getCode() }, { total: task.tests.length });
      if (action === 'check') reportCheck(result);
      try { onResult(result); } catch { /* a lab's drawing must not break Run */ }
      if (result.timedOut) {
        statusLine.textContent = '';
        output.hidden = false;
        results.hidden = true;
        const text = result.where === 'the checks'
          ? 'Stopped: the checks did not finish in time. The page and your code are safe: try Check again.'
          : `Stopped: your code ran for more than ${TIME_LIMIT_MS / 1000} s${result.where ? ` (in ${result.where})` : ''}. ` +
            'Look for a loop whose condition never becomes false (for example a counter that moves the wrong way), ' +
            'also in a promise callback or a timer. The page and your code are safe: edit and try again.';
        fill(output, h('span', { class: 'error-text', text }));
        return;
      }
      showOutput(result.output, result.error);
      if (action === 'check') {
        showChecks(result);
        if (result.ok) markStatus(exercise, STATUS.PASSED);
        statusLine.textContent = result.tests.length
          ? `${result.passed} of ${result.total} checks pass (${result.ms} ms).`
          : result.error?.name === 'SyntaxError' ? 'Your code has a syntax error.' : 'No check could run.';
      } else {
        results.hidden = true;
        statusLine.textContent = result.error ? `Your code stopped with ${result.error.name}.` : `Ran in ${result.ms} ms.`;
      }
    } catch (e) {
      statusLine.textContent = `The code runner could not start: ${e.message}.`;
    } finally {
      busy = false;
      runButton.disabled = checkButton.disabled = false;
    }
  }

  // Only a validated result (runner.js) gets here; the detail is rebuilt from its counts, never passed through.
  function reportCheck(result) {
    const detail = scoreOf(result);
    onProgress('checked', detail);
    if (result.ok && !result.invalid && detail.total > 0 && detail.passed === detail.total) onProgress('completed', detail);
  }

  // ---- hints, solution, reset ----

  let hintsShown = 0;
  const hintButton = button('', () => {
    if (hintsShown >= task.hints.length) return;
    hintList.append(h('li', { text: task.hints[hintsShown++] }));
    hintBox.hidden = false;
    updateHintButton();
  });
  function updateHintButton() {
    const left = task.hints.length - hintsShown;
    hintButton.textContent = left ? `Show a hint (${hintsShown + 1} of ${task.hints.length})` : 'No more hints';
    hintButton.disabled = left === 0;
  }
  updateHintButton();

  const solutionButton = button('Show solution…', () => {
    solutionButton.hidden = true;
    const keep = button('Not yet', () => { fill(solutionBox); solutionBox.hidden = true; solutionButton.hidden = false; solutionButton.focus(); });
    const show = button('Yes, show the solution', () => {
      const copy = button('Put the solution in the editor', () => {
        editor.setCode(task.solution);
        statusLine.textContent = 'The editor now holds the solution. Ctrl+Z (⌘Z) in the editor brings your code back.';
      });
      const hide = button('Hide the solution', () => { fill(solutionBox); solutionBox.hidden = true; solutionButton.hidden = false; solutionButton.focus(); });
      fill(solutionBox, h('pre', { class: 'solution-code', tabindex: '0', 'aria-label': 'Solution', text: task.solution }),
        h('div', { class: 'button-row' }, copy, hide));
      copy.focus();
    }, { class: 'danger' });
    solutionBox.hidden = false;
    fill(solutionBox, h('p', { class: 'confirm', text: 'Seeing the solution before trying takes most of the learning away. Show it anyway?' }),
      h('div', { class: 'button-row' }, show, keep));
    show.focus();
  }, { 'data-part': 'solution' });

  const resetButton = button('Reset to starter code', () => {
    editor.setCode(task.starter);
    editor.markError(null);
    statusLine.textContent = 'Your code was replaced by the starter code. Ctrl+Z (⌘Z) in the editor brings it back.';
  });

  const visible = task.tests.filter((t) => !t.hidden);
  const hiddenCount = task.tests.length - visible.length;

  parent.append(
    h('p', { id: editorHelpId, class: 'hint' },
      'Write JavaScript in the editor. Run shows what it prints; Check tests your functions. Your code runs in a ',
      `separate worker, is stopped after ${TIME_LIMIT_MS / 1000} s, and `, saveHelp, '. In the editor, Tab indents; ',
      'press Esc and then Tab to move on.'),
    earlierNotice ?? '',
    editorHost,
    saver.element,
    h('div', { class: 'button-row' }, runButton, checkButton, hintButton, solutionButton, resetButton),
    statusLine,
    hintBox,
    solutionBox,
    output,
    results,
    h('details', { class: 'test-list' },
      h('summary', { text: `What Check tests: ${visible.length} visible checks and ${hiddenCount} hidden ones` }),
      h('ul', {}, visible.map((t) => h('li', { text: t.name }))),
      h('p', { class: 'hint', text: 'Hidden checks use other data (other seeds, sizes and bit widths) and are judged against the same WebAssembly reference. Ties are judged with NumPy’s rounding (half to even); a value off by one step is accepted only where x / scale lies within 1e-9 of a tie, where another honest order of float operations can land on the other side.' })),
  );

  // Start the worker once the page has drawn, so that the first Run does not wait for WebAssembly to load.
  const warm = setTimeout(() => runner.warmUp().catch(() => {}), 300);

  return {
    editor,
    destroy() {
      clearTimeout(warm);
      saver.flush();
      saver.destroy();
      runner.dispose();
      editor.destroy();
    },
  };
}
