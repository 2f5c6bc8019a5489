import { defineConfig } from "vitest/config";

// No framework plugin: esbuild compiles TSX straight to Preact's automatic JSX runtime.
export default defineConfig({
  base: "./",
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // The fake YouTube IFrame API (test/fake-youtube-iframe-api.js) is emitted only because the
    // ?demo page imports its URL; it keeps a stable name so end-to-end tests can point
    // `youtubeApiUrl` at ./assets/fake-youtube-iframe-api.js. Never inlined.
    assetsInlineLimit: 0,
    rollupOptions: {
      output: {
        assetFileNames: (asset) =>
          asset.names.includes("fake-youtube-iframe-api.js") ? "assets/fake-youtube-iframe-api.js" : "assets/[name]-[hash][extname]",
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
