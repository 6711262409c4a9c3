// Report pages (the "Control Room"'s printouts): one self-contained HTML file — styles inline, no script, nothing
// fetched — that a CI job can keep as an artifact and anyone can open offline.
import { escapeXml } from './markup.js';

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1f2328; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
code, pre, td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eaeef2; vertical-align: top; }
.status { font-weight: 600; } .succeeded { color: #1a7f37; } .failed, .dead_lettered { color: #cf222e; } .needs_approval, .escalated, .interrupted { color: #9a6700; }
.diagram { overflow-x: auto; border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem; background: #fff; }
.muted { color: #57606a; }
`;

export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="office 0.1.0">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
