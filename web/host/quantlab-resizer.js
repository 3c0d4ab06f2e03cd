// QuantLab's resizer, for a page that embeds exercises with <iframe src=".../embed.html#exercise=2">.
//
//   <script src="https://example.org/quantlab/quantlab-resizer.js" defer></script>
//
// The host's side of the messages embed.html posts (QuantLab's README, "Embedding the lab in a course page"): for
// each one that comes from the page loaded in one of this page's iframes (the message's origin is the origin of
// that iframe's src), a resize sets that iframe's height, and a progress message is dispatched on the iframe
// element as the DOM event the <quant-lab> element would dispatch. Every other message is ignored. When it starts,
// it asks the frames already there for their height. A plain script: no module, no dependencies.
(function () {
  'use strict';
  if (window.quantlabResizer) return; // included twice
  window.quantlabResizer = true;

  function frameOf(source) {
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) if (frames[i].contentWindow === source) return frames[i];
    return null;
  }

  function originOf(frame) {
    try {
      return new URL(frame.src, location.href).origin;
    } catch (e) {
      return null;
    }
  }

  window.addEventListener('message', function (event) {
    var data = event.data;
    if (!data || typeof data !== 'object' || typeof data.type !== 'string' || data.type.indexOf('quantlab:') !== 0) return;
    var frame = event.source && frameOf(event.source);
    if (!frame || originOf(frame) !== event.origin) return;
    if (data.type === 'quantlab:resize') {
      var height = Number(data.height);
      if (height > 0 && height < 100000) frame.style.height = Math.ceil(height) + 'px';
      return;
    }
    var detail = {};
    for (var key in data) if (key !== 'type' && Object.prototype.hasOwnProperty.call(data, key)) detail[key] = data[key];
    frame.dispatchEvent(new CustomEvent(data.type, { detail: detail, bubbles: true }));
  });

  function askHeights() {
    var frames = document.getElementsByTagName('iframe');
    for (var i = 0; i < frames.length; i++) {
      var origin = originOf(frames[i]);
      if (origin && origin !== 'null' && /embed\.html(#|$)/.test(frames[i].src) && frames[i].contentWindow) {
        frames[i].contentWindow.postMessage({ type: 'quantlab:get-height' }, origin);
      }
    }
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', askHeights);
  else askHeights();
}());
