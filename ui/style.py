"""The chat UI's look: the Gradio theme and the CSS for sources, clause context and the browse tree."""

from __future__ import annotations

import gradio as gr

THEME = gr.themes.Soft(primary_hue="blue", neutral_hue="slate")

CSS = """
.gradio-container { max-width: 1400px !important; }
#app-title h1 { margin-bottom: 0; }
#app-title p { margin-top: 4px; color: var(--body-text-color-subdued); }
sup.cite-marker { color: #1d4ed8; font-weight: 700; font-size: 0.8em; }
small.resolved { color: var(--body-text-color-subdued); }
small.cited { color: #15803d; }
.badge { display: inline-block; font-size: 0.8em; font-weight: 700; border-radius: 10px; padding: 1px 9px; }
.badge-cited { background: #dcfce7; color: #166534; }
.badge-abstained { background: #ffedd5; color: #9a3412; border: 1px solid #fdba74; }
.badge-error { background: #fee2e2; color: #991b1b; border: 1px solid #fca5a5; }
.badge-pending { background: #e0e7ff; color: #3730a3; }
mark.quote { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.sources-empty, .ctx-empty { color: var(--body-text-color-subdued); padding: 12px;
  border: 1px dashed var(--border-color-primary); border-radius: 8px; font-size: 0.92em; }
.sources-title { font-weight: 700; margin: 4px 0 8px; }
.sources-abstained { background: #fff7ed; border: 1px solid #fdba74; color: #9a3412; border-radius: 8px;
  padding: 8px 10px; margin-bottom: 8px; }
.source { border: 1px solid var(--border-color-primary); border-left: 4px solid #2563eb; border-radius: 8px;
  padding: 8px 10px; margin-bottom: 10px; cursor: pointer; background: var(--background-fill-primary); }
.source:hover, .source.selected { box-shadow: 0 0 0 2px #93c5fd; }
.source.related { border-left-color: #94a3b8; border-style: dashed; }
.source.related mark.quote { background: #e2e8f0; }
.source-head { display: flex; gap: 6px; align-items: baseline; }
.source-n { font-weight: 700; color: #1d4ed8; white-space: nowrap; }
.source.related .source-n { color: #64748b; }
.source-title { font-weight: 600; }
.source-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 2px 0 6px; }
.source-text { white-space: pre-wrap; line-height: 1.6; font-size: 0.92em; max-height: 220px; overflow-y: auto; }
.source-go { text-align: right; font-size: 0.82em; color: #2563eb; margin-top: 4px; }
details.more summary { cursor: pointer; color: var(--body-text-color-subdued); margin: 6px 0; }
.ctx { border: 1px solid #bfdbfe; background: #f8fbff; border-radius: 8px; padding: 10px 12px; }
.ctx-title { font-weight: 700; }
.ctx-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin-bottom: 8px; }
.ctx-heading { font-weight: 600; color: #334155; }
.ctx-neighbour { color: #64748b; font-size: 0.88em; margin: 6px 0; }
.ctx-where { font-size: 0.8em; color: #64748b; font-weight: 600; }
.ctx-clause { white-space: pre-wrap; line-height: 1.7; border-left: 3px solid #2563eb; padding: 4px 8px; margin: 6px 0;
  background: #fff; }
.browse table.meta { border-collapse: collapse; margin-bottom: 10px; width: 100%; border: none; }
.browse table.meta th, .browse table.meta td { border: none; border-bottom: 1px solid var(--border-color-primary);
  padding: 4px 10px 4px 0; background: transparent; }
.browse table.meta th { text-align: left; white-space: nowrap; color: #475569; width: 9em; font-weight: 600; }
.browse-summary { font-weight: 600; margin: 8px 0; }
.warnings { color: #9a3412; font-size: 0.9em; }
.tree .node { border-left: 2px solid #e2e8f0; padding: 2px 0 2px 8px; margin: 4px 0; }
.tree .node summary { cursor: pointer; }
.tree .node-text { white-space: pre-wrap; font-size: 0.9em; line-height: 1.6; color: #334155; margin: 4px 0; }
.fact-count { font-size: 0.8em; color: #15803d; }
.facts { display: flex; flex-wrap: wrap; gap: 4px; margin: 4px 0; }
.fact { font-size: 0.82em; border-radius: 10px; padding: 1px 8px; }
.fact-responsibility { background: #dbeafe; }
.fact-target { background: #dcfce7; }
.fact-deadline { background: #fef3c7; }
.quiz-right { color: #15803d; font-weight: 700; } .quiz-wrong { color: #b91c1c; font-weight: 700; }
.source.wrong { border-left-color: #dc2626; }
.quiz-score { font-size: 1.2em; margin: 8px 0 12px; }
.quiz-stem { margin-top: 10px; }
.whoami { text-align: right; font-size: 0.88em; color: var(--body-text-color-subdued); }
.job { border: 1px solid var(--border-color-primary); border-left: 4px solid #2563eb; border-radius: 8px;
  padding: 8px 10px; }
.job-failed { border-left-color: #dc2626; background: #fef2f2; }
.job-done { border-left-color: #16a34a; }
.job-head { font-weight: 700; margin-bottom: 6px; }
.job-bar { height: 10px; background: #e2e8f0; border-radius: 5px; overflow: hidden; }
.job-bar > div { height: 100%; background: #2563eb; transition: width 0.3s; }
.job-stage { font-size: 0.85em; color: var(--body-text-color-subdued); margin-top: 4px; }
.job-current { margin: 4px 0; }
.report-title { font-weight: 600; margin-top: 6px; }
.report-ok { color: #15803d; font-size: 0.9em; }
"""
