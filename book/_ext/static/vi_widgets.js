// vi_site: tell RequireJS where the Jupyter widget manager lives, before
// embed-amd.js loads. Each module bundled in embed-amd.js finds its fonts next to
// its own module URL; without this mapping RequireJS would resolve those URLs
// against the page's folder and the fonts would 404. Every bundled module is
// mapped so that its URL lies in the manager's folder, where the fonts are.
(function () {
  var script = document.currentScript;
  var base = script.getAttribute("data-html-manager");
  var here = script.src.replace(/[?#].*$/, "").replace(/[^/]*$/, "");
  var dir = (/^[a-z]+:\/\//i.test(base) ? base : here + base).replace(/\/$/, "");
  window.require.config({
    paths: {
      "@jupyter-widgets/base": dir + "/base",
      "@jupyter-widgets/controls": dir + "/controls",
      "@jupyter-widgets/output": dir + "/output",
      "@jupyter-widgets/html-manager": dir + "/html-manager",
      "@jupyter-widgets/html-manager/dist": dir,
    },
  });
})();
