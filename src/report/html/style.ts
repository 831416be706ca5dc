/** The page's CSS and script, inline (the file must open offline; CSP allows exactly these). */

export const CSS = `
:root{--fg:#1f2937;--mut:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--pass:#15803d;--fail:#b91c1c;--err:#c2410c;--skip:#6b7280;--acc:#1d4ed8}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.55 "Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 10px;padding-bottom:6px;border-bottom:2px solid var(--line)}h3{font-size:15px;margin:18px 0 8px}
.sub{color:var(--mut);margin:0 0 16px}
.card>h3:first-child{margin-top:0}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:12px 0}
.head{display:flex;gap:24px;align-items:flex-start;flex-wrap:wrap}
.verdict{font-size:28px;font-weight:700;padding:10px 22px;border-radius:8px;color:#fff;white-space:nowrap}
.verdict.pass{background:var(--pass)}.verdict.fail{background:var(--fail)}
dl.meta{display:grid;grid-template-columns:max-content 1fr max-content 1fr;gap:6px 16px;margin:0;flex:1;min-width:420px}
dl.meta dt{color:var(--mut)}dl.meta dd{margin:0;word-break:break-all}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f1f5f9;font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.cases td:nth-child(2){min-width:13em}
.r{display:inline-block;min-width:3.5em;text-align:center;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff}
.r.pass{background:var(--pass)}.r.fail{background:var(--fail)}.r.error{background:var(--err)}.r.skip,.r.invalid{background:var(--skip)}
.opt{color:var(--mut);font-size:12px}
.banner{padding:10px 14px;border-radius:6px;margin:12px 0;font-weight:600}
.banner.bad{background:#fef2f2;color:var(--fail);border:1px solid #fecaca}.banner.info{background:#eff6ff;color:var(--acc);border:1px solid #bfdbfe}
ul.reasons{margin:6px 0;padding-left:20px}
details.case{background:#fff;border:1px solid var(--line);border-left:4px solid var(--fail);border-radius:6px;margin:8px 0}
details.case.error{border-left-color:var(--err)}details.case.skip{border-left-color:var(--skip)}details.case.pass{border-left-color:var(--pass)}
details.case>summary{cursor:pointer;padding:8px 12px;font-weight:600;list-style-position:inside}
details.case>summary .first{font-weight:400;color:var(--mut);margin-left:8px}
details.case .body{padding:4px 14px 14px}
.f-error{color:var(--fail);font-weight:600}.f-warning{color:var(--err);font-weight:600}.f-info{color:var(--mut)}
code,pre{font-family:"Noto Sans Mono CJK SC","DejaVu Sans Mono",ui-monospace,Menlo,Consolas,monospace;font-size:12px}
td code{word-break:break-all}
td.id code,.r{white-space:nowrap}
pre.xml{background:#0f172a;color:#e2e8f0;padding:12px;border-radius:6px;overflow:auto;max-height:480px;white-space:pre;margin:6px 0 12px}
.x-t{color:#7dd3fc}.x-a{color:#fca5a5}.x-v{color:#86efac}.x-p{color:#94a3b8}.x-x{color:#f8fafc}.x-c{color:#fcd34d}.x-m{color:#64748b}.x-d{color:#c4b5fd}.x-n{color:#fbbf24;font-style:italic}
.ev{margin-top:10px}.ev h4{margin:10px 0 2px;font-size:13px}.ev .path{color:var(--mut);font-weight:400;margin-left:6px}
.charts{display:flex;flex-wrap:wrap;gap:12px}
svg.chart{background:#fff;border:1px solid var(--line);border-radius:6px;max-width:100%;height:auto}
svg .grid{stroke:#eef2f7;stroke-width:1}svg .axis{stroke:#94a3b8;fill:none}svg .line{fill:none;stroke-width:2}
svg .tick{font-size:11px;fill:#475569}svg .ctitle{font-size:13px;font-weight:600;fill:#1f2937}
.toolbar{display:flex;gap:8px;margin:8px 0}
button{font:inherit;padding:4px 12px;border:1px solid #cbd5e1;border-radius:6px;background:#fff;cursor:pointer}button:hover{background:#f1f5f9}
body.only-failed tr.row-pass,body.only-failed details.case.pass{display:none}
table.findings td:first-child code{white-space:nowrap}
footer{color:var(--mut);font-size:12px;margin-top:32px}
@media print{details.case{break-inside:avoid}pre.xml{max-height:none}.toolbar{display:none}}
`;

export const SCRIPT = `
(function(){
  var all=function(open){document.querySelectorAll('details.case').forEach(function(d){d.open=open;});};
  var b=function(id,fn){var e=document.getElementById(id);if(e){e.addEventListener('click',fn);}};
  b('btn-expand',function(){all(true);});
  b('btn-collapse',function(){all(false);});
  b('btn-failed',function(){document.body.classList.toggle('only-failed');});
  if(location.hash){var d=document.getElementById(location.hash.slice(1));if(d&&d.tagName==='DETAILS'){d.open=true;}}
})();
`;
