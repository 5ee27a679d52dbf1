import { defineConfig } from "vite";

// The build goes to dist/, which the server project embeds as resources (Web.targets). `base: "./"` keeps every
// asset URL relative, so the page works wherever the server mounts it.
export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
  server: {
    // `npm run dev` against a running `layerscope serve` (LAYERSCOPE_SERVER, default http://127.0.0.1:5000).
    proxy: { "/api": process.env.LAYERSCOPE_SERVER ?? "http://127.0.0.1:8765" },
  },
});
