"""nerdesk counts grapheme clusters as doccano's v-annotator does: with grapheme-splitter 1.0.4, run by Node.js.
Skipped unless ``node`` can load ``grapheme-splitter`` (``npm install grapheme-splitter@1.0.4``; ``NODE_PATH``
may point at its ``node_modules``)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from nerdesk.formats.doccano import doccano_grapheme_boundaries

TEXTS = [
    "👨\u200d👩\u200d👧 Zoe\u0308 visits 東京\r\nand e\u0301cole",
    "🏳️\u200d🌈 👩🏽\u200d💻 🧑\u200d🤝\u200d🧑 👁\u200d🗨 🇯🇵🇫🇷 ❤️\u200d🔥",
    "क्षत्रिय राष्ट्रपति সত্যজিৎ ਸ਼੍ਰੀ 한국어 \u1100\u1161\u11a8 ก้ำ",
    "a\u200db \r\r\n\n x\u0301\u0302 👍🏿👍\u200d",
]
SPLIT = """const GS = require('grapheme-splitter'); const s = new GS();
const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
console.log(JSON.stringify(texts.map(t => s.splitGraphemes(t))));"""


def grapheme_splitter(texts):
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed")
    done = subprocess.run(["node", "-e", SPLIT], input=json.dumps(texts), capture_output=True, text=True,
                          timeout=60)
    if "Cannot find module" in done.stderr:
        pytest.skip("grapheme-splitter is not installed for Node.js")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_clusters_as_doccano_counts_them():
    expected = grapheme_splitter(TEXTS)
    for text, clusters in zip(TEXTS, expected, strict=True):
        bounds = doccano_grapheme_boundaries(text)
        assert [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)] == clusters
