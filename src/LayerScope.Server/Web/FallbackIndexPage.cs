namespace LayerScope.Server.Web;

/// <summary>The page served at / when the front end was not built into the assembly.</summary>
internal static class FallbackIndexPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>LayerScope viewer</title></head>
        <body>
        <h1>LayerScope viewer</h1>
        <p>The front end is not built into this server. Build it in <code>src/LayerScope.Server/web</code>
        (<code>npm ci &amp;&amp; npm run build</code>) and rebuild the server. The API works already:
        <a href="/api/runs">/api/runs</a> lists the runs.</p>
        </body>
        </html>
        """;
}
