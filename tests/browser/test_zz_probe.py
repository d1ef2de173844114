import json
from tests.browser.test_explorer import _new_page, _started, _select, _click, TIMEOUT_MS
import pytest
pytestmark = pytest.mark.browser
PROBE = """(key) => {
  const root = document.querySelector('.aura-explorer');
  const probe = {start: null, log: []};
  const name = (n) => { let e = n.nodeType === 1 ? n : n.parentElement; while (e && !(e.className && String(e.className).includes('aura-'))) e = e.parentElement; return e ? String(e.className).match(/aura-[a-z-]+/g).join(' ') : '?'; };
  probe.observer = new MutationObserver((ms) => { if (probe.start !== null) for (const m of ms) probe.log.push([Math.round(performance.now() - probe.start), m.type, name(m.target)]); });
  probe.observer.observe(root, {subtree: true, childList: true, characterData: true});
  root.addEventListener('load', (e) => { if (probe.start !== null) probe.log.push([Math.round(performance.now() - probe.start), 'load', name(e.target)]); }, true);
  root.querySelector('button.aura-' + key).addEventListener('click', () => { probe.start = performance.now(); }, {once: true, capture: true});
  window.auraProbe = probe;
}"""
def test_probe(jupyter_lab, browser, artifacts):
    page = _new_page(browser, height=3000)
    _started(page, jupyter_lab)
    for i in range(20):
        _select(page, "role", ("Buyer1", "Buyer2", "Seller")[i % 3])
        _click(page, "attenuate" if i % 4 == 0 else "transfer")
    out = {}
    for key in ("step", "transfer", "step", "transfer"):
        page.evaluate(PROBE, key)
        _click(page, key)
        page.wait_for_timeout(1500)
        out.setdefault(key, []).append(page.evaluate("() => window.auraProbe.log"))
    (artifacts / "probe.json").write_text(json.dumps(out))
    page.close()
