// The chat widget's loader: <script src="https://support.example.com/widget.js"></script> on any page
// whose origin is in the service's CORS_ORIGINS. It loads the Socket.IO client and the widget from the
// same service under content-hashed (long-cached) names; this file itself is cached for five minutes.
(() => {
  if (window.SupportWidget) return;
  const base = new URL(document.currentScript.src).origin;
  window.SupportWidget = { base, stylesheet: `${base}{{asset:widget.css}}` };
  const load = (path) =>
    new Promise((resolve, reject) => {
      const script = Object.assign(document.createElement('script'), { src: base + path, onload: resolve, onerror: reject });
      document.head.append(script);
    });
  load('{{asset:socket.io.js}}').then(() => load('{{asset:widget-app.js}}'));
})();
