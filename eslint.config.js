// Lint rules, including the layering of DESIGN.md: shared is pure, the engine and CLI never import
// Electron, the renderer talks to the main process only through window.cosSync.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import globals from 'globals';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noNode = { group: nodeBuiltins, message: 'This layer must not use Node APIs.' };
const noElectron = { name: 'electron', message: 'Only src/main/{app,ipc,platform} and src/preload may import electron.' };

const layer = (files, paths, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { paths, patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'release/**', 'node_modules/**', 'bench/work/**', 'test-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  layer(['src/shared/**'], [noElectron], [
    noNode,
    { regex: '^(\\.\\./)+(main|preload|renderer)(/|$)', message: 'src/shared imports only src/shared.' },
  ]),
  layer(['src/main/engine/**', 'src/main/cli/**'], [noElectron], [
    { regex: '^(\\.\\./)+(app|ipc|platform)(/|$)', message: 'The engine and the CLI know nothing of the Electron shell.' },
    { regex: '^(\\.\\./)+(renderer|preload)(/|$)', message: 'The engine never imports UI code.' },
  ]),
  layer(['src/renderer/**'], [noElectron], [
    noNode,
    { regex: '^(\\.\\./)+(main|preload)(/|$)', message: 'The renderer talks to the main process only through window.cosSync.' },
  ]),
  layer(['src/preload/**'], [], [
    { regex: '^(\\.\\./)+(main|renderer)(/|$)', message: 'The preload exposes the shared contract only.' },
  ]),
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['src/main/cli/**', 'scripts/**', 'test/**', 'bin/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
