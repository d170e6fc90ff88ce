// Builds the window's page (src/renderer) into dist/renderer, loaded from file:// by the app.
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/renderer',
  base: './',
  publicDir: '../../assets',
  build: { outDir: '../../dist/renderer', emptyOutDir: true, target: 'chrome120', sourcemap: true },
  logLevel: 'warn',
});
