// vi_site: tell RequireJS where the Jupyter widget manager lives, before
// embed-amd.js loads. The manager finds its fonts next to the module path
// "@jupyter-widgets/html-manager/dist/..."; without this mapping RequireJS would
// resolve that path against the page's own folder and the fonts would 404.
(function () {
  var script = document.currentScript;
  var base = script.getAttribute("data-html-manager");
  var here = script.src.replace(/[?#].*$/, "").replace(/[^/]*$/, "");
  var url = /^[a-z]+:\/\//i.test(base) ? base : here + base;
  window.require.config({
    paths: { "@jupyter-widgets/html-manager/dist": url.replace(/\/$/, "") },
  });
})();
