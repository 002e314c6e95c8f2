// The chat widget's loader: <script src="https://support.example.com/widget.js"></script> on any page
// whose origin is in the service's CORS_ORIGINS. It imports the Socket.IO client (its ES build) and the
// widget as ES modules from the same service, under content-hashed (long-cached) names, so nothing of
// theirs lands in the page's globals (a site's own `window.io` stays as it is); only
// `window.SupportWidget` marks that the widget is on the page. This file itself is cached for five minutes.
(() => {
  if (window.SupportWidget) return;
  const base = new URL(document.currentScript.src).origin;
  window.SupportWidget = { base };
  Promise.all([import(`${base}{{asset:socket.io.esm.js}}`), import(`${base}{{asset:widget-app.js}}`)]).then(([socketIo, widget]) =>
    widget.start({ base, stylesheet: `${base}{{asset:widget.css}}`, io: socketIo.io }),
  );
})();
