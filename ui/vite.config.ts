import { defineConfig } from "vite";

// Plain Vite with esbuild's JSX for Preact: no plugins. Output in dist/, which
// tauri.conf.json embeds into the app (`frontendDist`).
export default defineConfig({
  clearScreen: false,
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
