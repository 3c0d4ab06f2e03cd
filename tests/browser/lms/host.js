// The LMS side of tests/browser/scorm.test.mjs: a player page that puts scorm-again's run-time where SCORM content
// looks for it (window.API for 1.2, window.API_1484_11 for 2004) and loads a package's launch page in an iframe,
// as Moodle's and Canvas's players do. What the LMS keeps between launches is what the content committed: each
// Commit (and Terminate) takes a snapshot of the CMI data, and a relaunch starts a new run-time from the last one.
(() => {
  const player = {
    api: null,
    version: null,
    commits: [],
    finished: false,
    calls: [],
    launch(version, src, saved) {
      const Api = version === '1.2' ? window.Scorm12API : window.Scorm2004API;
      const api = new Api({ autocommit: false, logLevel: 5 });
      if (saved) api.loadFromJSON(saved);
      const prefix = version === '1.2' ? 'LMS' : '';
      const snapshot = () => player.commits.push(JSON.parse(JSON.stringify(api.cmi)));
      api.on(`${prefix}Commit`, snapshot);
      api.on(version === '1.2' ? 'LMSFinish' : 'Terminate', () => { player.finished = true; snapshot(); });
      api.on(version === '1.2' ? 'LMSSetValue.cmi.*' : 'SetValue.cmi.*', (name, value) => player.calls.push([name, value]));
      delete window.API;
      delete window.API_1484_11;
      if (version === '1.2') window.API = api;
      else window.API_1484_11 = api;
      Object.assign(player, { api, version, commits: [], finished: false, calls: [] });
      const frame = document.createElement('iframe');
      frame.id = 'sco';
      frame.title = 'SCORM content';
      frame.style.cssText = 'width: 1100px; height: 800px; border: 0';
      frame.src = src;
      document.getElementById('player').replaceChildren(frame);
    },
    /** Closes the content, as a learner leaving the activity: its page is unloaded (pagehide). */
    close() {
      document.getElementById('sco')?.remove();
    },
    cmi: () => JSON.parse(JSON.stringify(player.api.cmi)),
    get: (name) => player.api.cmi && (player.version === '1.2' ? player.api.LMSGetValue(name) : player.api.GetValue(name)),
    lastCommit: () => player.commits[player.commits.length - 1] ?? null,
  };
  window.player = player;
})();
