// The language switch keeps the reader's place (book/_ext/vi_site.py adds the link
// at the top of the article; this script moves it into the article's header bar,
// which stays in view while the page scrolls).
// The two languages' pages have the same sections
// in the same order, so a click passes the index of the section in view
// (#vi-section-3), and the other page scrolls to its own section with that index
// and puts that section's id in the URL.
(function () {
  "use strict";
  const HASH = /^#vi-section-(\d+)$/;

  function sections() {
    return [...document.querySelectorAll("article.bd-article section[id]")];
  }

  // the section being read: the first whose heading is in the top quarter of the
  // window (the reader has just come to it), else the last one scrolled past
  function currentIndex() {
    const line = window.innerHeight / 4;
    const tops = sections().map((s) => s.getBoundingClientRect().top);
    const arriving = tops.findIndex((top) => top >= -1 && top <= line);
    if (arriving >= 0) return arriving;
    let index = 0;
    tops.forEach((top, i) => {
      if (top < 0) index = i;
    });
    return index;
  }

  // into the header bar beside the theme's buttons, where it never covers the text
  function dock() {
    const nav = document.querySelector("nav.vi-lang-switch");
    const bar = document.querySelector(".article-header-buttons");
    if (nav && bar) {
      bar.prepend(nav);
      nav.classList.add("vi-docked");
    }
  }

  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-vi-section-switch]");
    if (!link) return;
    const index = currentIndex();
    const base = link.getAttribute("href").split("#")[0];
    link.setAttribute("href", index > 0 ? `${base}#vi-section-${index}` : base);
  });

  function arrive() {
    const found = HASH.exec(window.location.hash);
    if (!found) return;
    const section = sections()[Number(found[1])];
    if (!section) return;
    history.replaceState(null, "", `#${section.id}`);
    const go = () => section.scrollIntoView({ behavior: "instant" });
    go();
    // math and fonts change the page's height as they load: scroll again after them
    window.addEventListener("load", go, { once: true });
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(go);
    }
  }

  function start() {
    dock();
    arrive();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
