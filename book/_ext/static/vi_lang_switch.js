// The language switch keeps the reader's place (book/_ext/vi_site.py adds the link
// at the top of the article; vi_site.css keeps it in view while the page scrolls).
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

  // the last section whose top is above a quarter of the window: the one being read
  function currentIndex() {
    const line = window.innerHeight / 4;
    let index = 0;
    sections().forEach((s, i) => {
      if (s.getBoundingClientRect().top <= line) index = i;
    });
    return index;
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

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", arrive);
  } else {
    arrive();
  }
})();
