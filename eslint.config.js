// ESLint flat config: JavaScript and TypeScript recommended rules, Vue's recommended rules for the
// admin UI's single-file components, and eslint-config-prettier last so that layout is Prettier's
// job alone. `npm run lint` runs it; `npm run format` lets Prettier rewrite the layout.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'artifacts/**',
      'coverage/**',
      '.tmp/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_`-prefixed parameters and variables are deliberately unused (positional hook and
      // callback signatures, destructuring to drop a key).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['admin-ui/**', 'sdk/**', 'plugins/*/admin/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // every widget is a folder (`widgets/<kind>/`) with the same two files, Input.vue and
    // Options.vue, found by that path: the folder, not the file name, names the component
    files: ['admin-ui/src/widgets/*/Input.vue', 'admin-ui/src/widgets/*/Options.vue'],
    rules: { 'vue/multi-word-component-names': 'off' },
  },
  prettier,
)
