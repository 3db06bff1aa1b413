/** The inline stylesheet of {@link renderHtml} pages. */
export const HTML_STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem; color: #1b1b1f; background: #fff; }
h1 { font-size: 1.35rem; margin: 0 0 1rem; }
h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
.iq-info dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0 0; }
.iq-info dt { font-weight: 600; }
.iq-info dd { margin: 0; white-space: pre-wrap; word-break: break-word; }
.iq-text { margin: .5rem 0; }
.iq-line { display: flex; align-items: baseline; gap: .5rem; margin: .25rem 0; flex-wrap: wrap; }
.iq-line-label { min-width: 4.5rem; color: #666; font-size: .85rem; }
.iq-tok, .iq-matrix th { white-space: pre; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.iq-tok { padding: 1px 2px; margin-right: 1px; border-radius: 3px; border: 1px solid #e3e3e8; }
.iq-gen { cursor: pointer; border-bottom: 1px dashed #999; }
.iq-selected { outline: 2px solid #1b1b1f; outline-offset: 1px; }
.iq-status { color: #555; font-size: .85rem; min-height: 1.3em; margin: .25rem 0 .5rem; }
.iq-scroll { overflow-x: auto; }
.iq-matrix { border-collapse: collapse; font-size: 12px; }
.iq-matrix th, .iq-matrix td { padding: 2px 6px; }
.iq-matrix thead th { vertical-align: bottom; }
.iq-col { cursor: pointer; }
.iq-col:hover, .iq-col:focus { text-decoration: underline; }
.iq-matrix tbody th { text-align: right; font-weight: normal; }
.iq-matrix td { text-align: right; font-variant-numeric: tabular-nums; min-width: 3.2em; border: 1px solid #fff; }
.iq-matrix td:hover { outline: 2px solid #1b1b1f; }
.iq-matrix td.iq-colsel { border-left-color: #1b1b1f; border-right-color: #1b1b1f; }
.iq-group-title th { text-align: left !important; font: 600 11px system-ui, sans-serif !important; color: #666; padding-top: .6rem; }
.iq-scores th { color: #444; font-style: italic; }
.iq-legend { display: flex; align-items: center; gap: .4rem; font-size: .8rem; color: #555; margin-top: .4rem; }
.iq-legend span.iq-bar { display: inline-block; width: 10rem; height: .8rem; border: 1px solid #ccc; }
`;
