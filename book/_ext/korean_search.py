"""Korean search for the Korean site: a Sphinx search language for ``ko``.

Sphinx has no Korean, so it indexed whole eojeol (word + particle): ``보정은`` and
``보정을`` were separate terms, and a search for ``보정`` missed them. Here a word's
stem is the word without its particles or copula (``보정은``, ``보정에서는``,
``보정입니다`` -> ``보정``), in Python for the index and in JavaScript, from the same
list of endings, for what the reader types. Words without Hangul (the English words
of the Korean pages) keep Sphinx's English rule (Porter stemmer, English stopwords),
as before. Loaded by ``book._ext.vi_site``; bump ``ENV_VERSION`` when the rule
changes, so that an incremental build re-indexes every page.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sphinx.application import Sphinx
from sphinx.search.en import SearchEnglish, js_porter_stemmer

ENV_VERSION = 1

#: Particles, copula and 하다 endings, longest first (``으로`` before ``로``).
ENDINGS = (
    "입니다", "합니다",
    "에서", "에게", "으로", "까지", "부터", "보다", "처럼", "마다",
    "이다", "이고", "이며", "하는", "하고", "하면",
    "은", "는", "이", "가", "을", "를", "의", "에", "로", "와", "과", "도", "만", "한",
)
#: A noun takes at most two endings in a row (``에서`` + ``는``).
MAX_ENDINGS = 2
HANGUL = re.compile("[\uac00-\ud7a3]")


def strip_endings(word: str) -> str:
    """``word`` without up to ``MAX_ENDINGS`` endings; at least one letter is left."""
    for _ in range(MAX_ENDINGS):
        ending = next((e for e in ENDINGS
                       if word.endswith(e) and len(word) > len(e)), None)
        if ending is None:
            break
        word = word[: -len(ending)]
    return word


#: The same rule for the search page: Sphinx puts it into ``language_data.js``,
#: where ``searchtools.js`` stems each query word with ``new Stemmer()``.
JS_STEMMER = js_porter_stemmer + f"""
var PorterStemmer = Stemmer;
var Stemmer = function() {{
  const porter = new PorterStemmer();
  const endings = {json.dumps(ENDINGS, ensure_ascii=False)};
  const hangul = /[\\uac00-\\ud7a3]/;
  const strip = (word) => {{
    for (let i = 0; i < {MAX_ENDINGS}; i++) {{
      const ending = endings.find((e) => word.endsWith(e) && word.length > e.length);
      if (ending === undefined) break;
      word = word.slice(0, -ending.length);
    }}
    return word;
  }};
  this.stemWord = function(w) {{
    const word = strip(w.toLowerCase());
    return hangul.test(word) ? word : porter.stemWord(word);
  }};
}};
"""


class SearchKorean(SearchEnglish):
    """Sphinx's search language for ``ko``: Korean stems, English for the rest."""

    lang = "ko"
    language_name = "Korean"
    js_stemmer_code = JS_STEMMER

    def stem(self, word: str) -> str:
        word = strip_endings(word.lower())
        return word if HANGUL.search(word) else super().stem(word)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_search_language(SearchKorean)
    return {"version": "1.0", "env_version": ENV_VERSION,
            "parallel_read_safe": True, "parallel_write_safe": True}
