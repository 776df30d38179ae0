"""The report's stylesheet, inlined in the page: system fonts only, readable on a laptop and on paper."""

CSS = """
:root { --ink: #1f2328; --muted: #5f6670; --line: #d8dce1; --soft: #f4f6f8; --good: #0b6b3a; --bad: #a3161b;
        --warn: #8a5a00; --accent: #0b4f8a; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; color: var(--ink); background: #fff;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", sans-serif;
       line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 40px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 14px; padding-bottom: 8px; }
h1 { font-size: 1.75rem; margin: 0 0 2px; letter-spacing: -0.01em; }
h1::after { content: " · simulation report"; font-weight: 400; color: var(--muted); font-size: 1.1rem; }
h2 { font-size: 1.2rem; margin: 26px 0 8px; padding-bottom: 3px; border-bottom: 1px solid var(--line); color: var(--accent); }
h3 { font-size: 1rem; margin: 16px 0 6px; }
p { margin: 6px 0; }
.meta, .muted, figcaption, .legend, footer { color: var(--muted); }
.meta { margin: 0; font-size: 0.9rem; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em;
       background: var(--soft); padding: 0 3px; border-radius: 3px; }
.warnings ul { list-style: none; padding: 0; margin: 0; }
.warnings li { border-left: 5px solid var(--warn); background: #fff7e6; padding: 7px 12px; margin: 6px 0; }
.warnings li.alert-bad { border-left-color: var(--bad); background: #fdecec; }
.warnings li.alert-bad::before { content: "✖ "; color: var(--bad); font-weight: 700; }
.warnings li.alert-warn::before { content: "⚠ "; color: var(--warn); font-weight: 700; }
ul.glance { padding-left: 0; list-style: none; margin: 4px 0 8px; }
ul.glance li { padding: 5px 10px; margin: 3px 0; background: var(--soft); border-radius: 4px; }
ul.glance li.best { background: #e9f2fb; border-left: 4px solid var(--accent); }
.good { color: var(--good); font-weight: 600; }
.bad { color: var(--bad); font-weight: 600; }
.same { color: var(--muted); }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px; margin-right: 6px;
          vertical-align: -0.05em; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 6px 0 4px; font-size: 0.86rem; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; vertical-align: top; }
thead th { background: var(--soft); font-weight: 600; font-size: 0.8rem; color: #333; vertical-align: bottom; }
thead th.group { text-align: center; border-left: 2px solid #fff; border-bottom: 2px solid var(--accent); }
th[scope=row], td.text, table.checks td { text-align: left; }
th[scope=row] { white-space: nowrap; font-weight: 600; }
tbody tr:nth-child(even) { background: #fafbfc; }
table.headline td { white-space: nowrap; }
table.verdicts { margin: 8px 0 6px; font-size: 0.9rem; }
table.verdicts caption { text-align: left; font-size: 0.85rem; color: var(--muted); padding-bottom: 3px; }
table.verdicts td, table.verdicts thead th { text-align: center; min-width: 8.5em; }
.ci { color: var(--muted); font-size: 0.85em; }
.ratio { font-size: 0.78rem; margin-top: 1px; }
td.status.pass { color: var(--good); font-weight: 600; }
td.status.fail { color: var(--bad); font-weight: 600; }
td.status.inconclusive { color: var(--warn); font-weight: 600; }
table.decision td, table.decision thead th { text-align: center; }
table.decision td.same small { color: var(--muted); }
table.decision td.better small { color: var(--good); }
table.decision td.worse small { color: var(--bad); }
figure { margin: 8px 0 4px; }
figure svg { display: block; width: 100%; height: auto; max-width: 1100px; }
figcaption, .legend { font-size: 0.85rem; margin-top: 2px; }
footer { margin-top: 30px; border-top: 1px solid var(--line); padding-top: 8px; font-size: 0.8rem; }
footer ul { margin: 4px 0; padding-left: 18px; }
@media (max-width: 700px) { main { padding: 12px; } html { font-size: 14px; } }
@media print {
  @page { size: A4; margin: 12mm 10mm; }
  html { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  figure, table, .warnings li, ul.glance li { break-inside: avoid; page-break-inside: avoid; }
  section#distributions, section#profiles, section#sweep { break-before: page; page-break-before: always; }
  .scroll { overflow: visible; }
  table { font-size: 7.5pt; }
  th, td { padding: 2px 4px; }
  table.headline td .ci { display: block; }  /* value over its interval: wide tables fit the page */
  th[scope=row] { white-space: normal; }
  thead th, ul.glance li, tbody tr:nth-child(even), .warnings li { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
