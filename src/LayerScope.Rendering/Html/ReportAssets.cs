namespace LayerScope.Rendering.Html;

/// <summary>The report's inline style sheet and script. Constant text only: no data ever goes in here, which is what
/// lets the report's Content-Security-Policy allow exactly these two blocks by hash.</summary>
internal static class ReportAssets
{
    public const string Css = """
:root{color-scheme:light;--fg:#1d2330;--muted:#5b6475;--line:#dfe3ea;--bg:#ffffff;--panel:#f6f7f9;--accent:#1f77b4}
*{box-sizing:border-box}
[hidden]{display:none !important}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.55 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif}
main{max-width:1080px;margin:0 auto;padding:2rem 1.5rem 4rem}
h1{font-size:1.9rem;margin:0 0 1.5rem;line-height:1.2}
h2{font-size:1.35rem;margin:2.5rem 0 .75rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.1rem;margin:1.8rem 0 .5rem}
h4{font-size:1rem;margin:1.4rem 0 .4rem}
p{margin:.6rem 0;max-width:75ch}
figure{margin:1.2rem 0}
figure img{display:block;max-width:100%;height:auto;border:1px solid var(--line);border-radius:4px;background:#fff}
figcaption{color:var(--muted);font-size:.92rem;margin-top:.4rem}
.sequence .frames{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:1rem}
.sequence .frame{margin:0}
.sequence.js .frames{display:block}
.sequence.js .frame figcaption{display:none}
.controls{display:flex;align-items:center;gap:.8rem;margin:.6rem 0}
.controls input[type=range]{flex:1;accent-color:var(--accent)}
.controls output{min-width:8ch;font-variant-numeric:tabular-nums;color:var(--muted)}
.controls button{font:inherit;padding:.3rem .9rem;border:1px solid var(--accent);border-radius:4px;background:var(--accent);color:#fff;cursor:pointer}
.controls button:focus-visible,.controls input:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.table-wrap{overflow-x:auto;margin:1rem 0}
table{border-collapse:collapse;font-size:.94rem;font-variant-numeric:tabular-nums}
th,td{padding:.4rem .8rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
thead th{border-bottom:2px solid var(--fg);white-space:nowrap}
tbody tr:nth-child(even){background:var(--panel)}
td.num{text-align:right}
pre{background:var(--panel);border:1px solid var(--line);border-radius:4px;padding:.8rem 1rem;overflow-x:auto;font:.88rem/1.45 ui-monospace,"DejaVu Sans Mono",monospace}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1.2rem;margin:1rem 0}
dl.kv dt{color:var(--muted)}
dl.kv dd{margin:0;overflow-wrap:anywhere}
.textview .controls label{color:var(--muted)}
.textview select{font:inherit;padding:.2rem .4rem;border:1px solid var(--line);border-radius:4px;max-width:100%}
.textview .chars{white-space:pre-wrap;overflow-wrap:anywhere;font:.84rem/1.5 ui-monospace,"DejaVu Sans Mono",monospace;border:1px solid var(--line);border-radius:4px;padding:.6rem .8rem;max-height:34rem;overflow-y:auto}
.textview .chars span[title]:hover{outline:1px solid var(--fg)}
.textview .scale{display:flex;margin:.4rem 0 0;font:.8rem ui-monospace,monospace;max-width:22rem}
.textview .scale span{flex:1;text-align:center;padding:.1rem 0}
.textview .showing{color:var(--fg)}
.b0{background:#2166ac;color:#fff}.b1{background:#4393c3;color:#fff}.b2{background:#92c5de}.b3{background:#d1e5f0}.b4{background:#eaf2f7}.b5{background:transparent}
.b6{background:#fbeae2}.b7{background:#fddbc7}.b8{background:#f4a582}.b9{background:#d6604d;color:#fff}.b10{background:#b2182b;color:#fff}
""";

    /// <summary>Turns each image sequence into a slider with a play button (without it, all frames show as a grid) and gives
    /// each text view its trace picker (without it, the first trace shows).</summary>
    public const string Script = """
document.querySelectorAll('[data-sequence]').forEach(function (seq) {
  var frames = seq.querySelectorAll('.frame');
  var slider = seq.querySelector('input[type=range]');
  var label = seq.querySelector('output');
  var play = seq.querySelector('button');
  var timer = null, index = 0;
  if (frames.length === 0) return;
  function show(i) {
    index = i;
    frames.forEach(function (f, k) { f.hidden = k !== i; });
    slider.value = String(i);
    label.textContent = frames[i].getAttribute('data-label');
  }
  function stop() { clearInterval(timer); timer = null; play.textContent = 'Play'; }
  slider.addEventListener('input', function () { stop(); show(Number(slider.value)); });
  play.addEventListener('click', function () {
    if (timer) { stop(); return; }
    if (index === frames.length - 1) show(0);
    play.textContent = 'Pause';
    timer = setInterval(function () { if (index >= frames.length - 1) stop(); else show(index + 1); }, 700);
  });
  seq.classList.add('js');
  seq.querySelector('.controls').hidden = false;
  show(0);
});
document.querySelectorAll('[data-textview]').forEach(function (view) {
  var select = view.querySelector('select');
  var spans = view.querySelectorAll('.chars > span');
  var showing = view.querySelector('.showing');
  function show(option) {
    var bins = option.getAttribute('data-bins');
    for (var i = 0; i < spans.length && i < bins.length; i++) spans[i].className = 'b' + (bins.charCodeAt(i) - 97);
    showing.textContent = option.textContent;
  }
  select.addEventListener('change', function () { show(select.options[select.selectedIndex]); });
  view.querySelector('.controls').hidden = false;
});
""";
}
