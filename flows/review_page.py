"""The review page's HTML: one queued passage in its article's context, rendered on the server with every value
HTML-escaped (passages, titles and outlets are third-party text), and the page's static script and style, which
read no data into markup and carry no inline handlers (the server's Content-Security-Policy forbids inline code)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from flows.judgments_step import Context, Proposal

LEGEND = (("y", "accept"), ("c r m", "accept as claim / rebuttal / mention"), ("n", "none of these"),
          ("1-5", "that narrative, then c / r / m (or Enter: the proposed stance)"), ("s", "skip"))


LEGEND_HTML = '<ul id="legend">' + "".join(
    f'<li>{"".join(f"<kbd>{k}</kbd>" for k in keys.split())} {what}</li>' for keys, what in LEGEND) + "</ul>"


@dataclass(frozen=True)
class Progress:
    position: int   # 1-based place in the queue; past the end when done
    total: int
    judged: int
    skipped: int


def item_html(p: Proposal | None, context: Context | None, others: list[str], labels: dict[str, str],
              progress: Progress) -> str:
    """The part of the page that changes with each answer: the progress line and the passage, or the end."""
    done = progress.position > progress.total
    head = (f'<p id="progress" data-judged="{progress.judged}" data-position="{progress.position}">'
            f'<b id="judged">{progress.judged}</b> judged · {progress.skipped} skipped · '
            + ("queue done" if done else f"passage {progress.position} of {progress.total}") + "</p>")
    if p is None or done:
        return head + ('<section id="done"><h2>Nothing left in this queue</h2><p>Every answer is stored. Stop the '
                       "server (Ctrl-C) and run <code>radar review --serve</code> again for the next passages.</p>"
                       "</section>")
    label = labels.get(p.narrative_id, p.narrative_id)
    title = escape(p.title or "(no title)")
    link = (f'<a href="{escape(p.article_url, quote=True)}" target="_blank" rel="noopener noreferrer">{title}</a>'
            if urlsplit(p.article_url).scheme in ("http", "https") else title)
    ctx = context or Context([], [], 0, 0)
    where = f"passage {ctx.position} of {ctx.passages} in the article" if ctx.position else "passage"
    neighbours = "".join(f'<p class="near">{escape(t)}</p>' for t in ctx.before)
    neighbours += f'<p class="focus" id="passage"><mark>{escape(p.text.strip())}</mark></p>'
    neighbours += "".join(f'<p class="near">{escape(t)}</p>' for t in ctx.after)
    options = "".join(f'<li data-narrative="{escape(n, quote=True)}"><kbd>{k}</kbd> {escape(labels.get(n, n))} '
                      f'<span class="id">{escape(n)}</span></li>' for k, n in enumerate(others, start=1))
    return head + (
        f'<div class="grid"><article id="card" data-passage="{escape(p.passage_id, quote=True)}">'
        f'<p class="source"><span class="outlet">{escape(p.outlet)}</span> · {link}</p>'
        f'<p class="url">{escape(p.article_url)}</p>'
        f'<p class="where">{where}</p><div class="context">{neighbours}</div></article>'
        '<section id="proposal"><p class="proposed">Proposed: '
        f'<b id="proposed" data-narrative="{escape(p.narrative_id, quote=True)}">{escape(label)}</b> '
        f'<span class="id">{escape(p.narrative_id)}</span><br>as <b id="stance">{escape(p.stance)}</b>, '
        f"score {p.score:.2f}</p>"
        f'<p class="why">Queued because: {escape(p.reason)}</p>'
        f'<p class="others-head">Or one of the nearest narratives:</p><ol id="others">{options}</ol>'
        f"{LEGEND_HTML}</section></div>")


def page_html(item: str, analyst: str) -> str:
    """The whole page around an item's HTML."""
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>radar review</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="stylesheet" href="/review.css"><script src="/review.js" defer></script></head><body>'
            '<header><h1>radar review</h1><p id="pending"></p><p id="status" role="status"></p>'
            f'<p class="analyst">judging as <b>{escape(analyst)}</b></p></header>'
            f'<main id="item">{item}</main>'
            "</body></html>")


SCRIPT = """'use strict';
(() => {
  const STANCES = ['c', 'r', 'm'];
  let digit = '';      // a digit typed, waiting for its stance key or Enter
  let busy = false;    // an answer is on its way: keys typed meanwhile are dropped, never applied to the next passage
  const $ = id => document.getElementById(id);
  const focus = () => { const p = $('passage'); if (p) p.scrollIntoView({block: 'center'}); };
  const show = () => { $('pending').textContent = digit ? 'narrative ' + digit + ': c / r / m, or Enter' : ''; };

  async function send(keys) {
    const card = $('card');
    digit = ''; show();
    if (busy || !card) return;
    busy = true;
    document.body.classList.add('busy');
    try {
      const res = await fetch('/answer', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                          body: JSON.stringify({passage_id: card.dataset.passage, keys: keys})});
      const body = await res.json();
      if (typeof body.html === 'string') { $('item').innerHTML = body.html; focus(); }  // escaped by the server
      $('status').textContent = body.message || '';
      $('status').className = res.ok ? '' : 'error';
    } catch (err) {
      $('status').textContent = 'the review server did not answer (' + err + '); is it still running?';
      $('status').className = 'error';
    } finally {
      busy = false;
      document.body.classList.remove('busy');
    }
  }

  document.addEventListener('DOMContentLoaded', focus);
  document.addEventListener('keydown', ev => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
    const k = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    if (/^[1-9]$/.test(k)) { digit = k; show(); }
    else if (digit && STANCES.includes(k)) send(digit + k);
    else if (digit && k === 'Enter') send(digit);
    else if (digit && (k === 'Escape' || k === 'Backspace')) { digit = ''; show(); }
    else if (!digit && ['y', 'c', 'r', 'm', 'n', 's'].includes(k)) send(k);
    else return;
    ev.preventDefault();
  });
})();
"""

STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 84rem; padding: 0 1.5rem 2rem;
       color: #1d232b; background: #fafafa; }
header { display: flex; align-items: baseline; gap: 1.5rem; border-bottom: 1px solid #d5d9de; position: sticky; top: 0;
         background: #fafafa; z-index: 1; }
h1 { font-size: 1.2rem; margin: .5rem 0; } header p { margin: 0; } .analyst { margin-left: auto !important; }
.analyst, #progress, .where, .url, .id { color: #5a6470; font-size: .9rem; }
#progress b { color: #1d232b; }
.grid { display: grid; grid-template-columns: minmax(0, 1fr) 25rem; gap: 1.2rem; align-items: start; }
@media (max-width: 60rem) { .grid { grid-template-columns: 1fr; } #proposal { order: -1; position: static; } }
article { background: #fff; border: 1px solid #d5d9de; border-radius: 6px; padding: .8rem 1.2rem; }
.source { font-size: 1.05rem; margin: .2rem 0; } .outlet { font-weight: 600; }
.url { margin: 0 0 .4rem; overflow-wrap: anywhere; }
.context p { margin: .5rem 0; white-space: pre-line; } .near { color: #6b7480; font-size: .92rem; }
.focus mark { background: #fff3b0; color: inherit; padding: .1rem .15rem; font-size: 1.05rem; }
#proposal { position: sticky; top: 3.2rem; background: #fff; border: 1px solid #d5d9de; border-radius: 6px;
            padding: .6rem 1rem; }
.proposed { font-size: 1.05rem; margin: .2rem 0; } .why { color: #44505c; margin: .4rem 0; font-size: .92rem; }
.others-head { margin: .6rem 0 .2rem; }
ol#others, ul#legend { list-style: none; padding-left: 0; margin: 0; } ol#others li { margin: .2rem 0; }
ul#legend { margin-top: .8rem; padding-top: .5rem; border-top: 1px solid #e3e6ea; font-size: .9rem; color: #44505c; }
ul#legend li { margin: .15rem 0; }
kbd { display: inline-block; min-width: 1.1em; text-align: center; border: 1px solid #aab2bb; border-radius: 4px;
      padding: 0 .3rem; margin-right: .15rem; background: #fff; font: 600 .85rem ui-monospace, monospace;
      box-shadow: 0 1px 0 #aab2bb; color: #1d232b; }
#pending { color: #0b5cad; font-weight: 600; } #status { color: #2d6a35; } #status.error { color: #b00020; font-weight: 600; }
body.busy #item { opacity: .6; }
"""
