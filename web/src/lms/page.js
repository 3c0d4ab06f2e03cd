// scorm.html: the launch page of the SCORM packages (build-scripts/scorm-packages.mjs). Each package's copy names
// its exercise and SCORM version in <meta name="quantlab-scorm" content="exercise=2&version=1.2">; dist/'s own
// copy takes the same keys from its hash (scorm.html#exercise=2&version=2004), for trying a package's page out.
//
// Inside an LMS the page finds the run-time (scorm-api.js), restores the code and the exercise's state kept in
// suspend_data, mounts the exercise as embed.html does (embed/mount.js) and turns the checker's progress events
// into scores and statuses (session.js). Without a run-time it is simply the exercise, as embed.html shows it.
import '../ui/style.css';
import { forgetCode, loadCode, saveCode } from '../app/store.js';
import { mountEmbed } from '../embed/mount.js';
import { readOptions } from '../embed/options.js';
import { connect, findApi } from './scorm-api.js';
import { decodeSuspend } from './suspend.js';
import { createScormSession } from './session.js';

const STORAGE_KEY = 'lms'; // the code's place in this browser: quantlab:code:ex2:lms
const root = document.getElementById('widget');
const statusLine = document.getElementById('lms-status');

function config() {
  const meta = document.querySelector('meta[name="quantlab-scorm"]')?.getAttribute('content') ?? '';
  const search = new URLSearchParams(meta || location.hash.replace(/^#/, '').slice(0, 200));
  const version = search.get('version') === '2004' ? '2004' : '1.2';
  return { exercise: search.get('exercise'), version };
}

function say(text) {
  statusLine.textContent = text;
  statusLine.hidden = !text;
}

async function start() {
  const { exercise, version } = config();
  const api = findApi(version);
  const lms = api ? connect(api, version) : null;
  const resume = lms ? await decodeSuspend(lms.get('cmi.suspend_data')) : null;

  // The exercise's state from the last launch, read exactly as a link of the lab's.
  const query = new URLSearchParams(resume?.link.split('?')[1] ?? '');
  const options = readOptions((name) => {
    if (name === 'exercise') return exercise;
    if (name === 'storage-key') return STORAGE_KEY;
    return query.get(name);
  });
  if (options.error) {
    document.body.dataset.ready = 'true';
    mountEmbed(root, options);
    return;
  }
  document.title = `Exercise ${options.number}: ${options.title} — QuantLab`;
  const codeKey = `${options.route}:${STORAGE_KEY}`;
  if (lms) {
    // The LMS is the record: its code, or none (a new attempt, or another learner on this computer).
    if (typeof resume?.code === 'string') saveCode(codeKey, resume.code);
    else forgetCode(codeKey);
  }

  let embed = null;
  const session = lms ? createScormSession(lms, {
    // Where this browser keeps no code (storage refused), the code from the LMS stays rather than none.
    snapshot: () => ({ link: embed?.state()?.link ?? resume?.link ?? `#/${options.route}`, code: loadCode(codeKey) ?? resume?.code }),
    onNote: say,
  }) : null;
  if (api && !lms) say('Your course platform did not open a session: your score is not recorded this time. Reload the page to try again.');
  else if (!lms) say('No course platform found: this exercise runs on its own, and your progress stays in this browser.');

  embed = mountEmbed(root, options, {
    emit(type, detail) {
      session?.progress(type, detail);
      if (type === 'ready' || type === 'error') document.body.dataset.ready = 'true';
    },
  });

  if (session) {
    addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') session.save(); });
    addEventListener('pagehide', () => {
      embed.destroy(); // saves the code typed in the last moment (learner.js keeps it 400 ms before saving)
      session.end();
    });
    // A page restored from the back-forward cache has ended its session: start a new one.
    addEventListener('pageshow', (event) => { if (event.persisted) location.reload(); });
  }
}

start();
