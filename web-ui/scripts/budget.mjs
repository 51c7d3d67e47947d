// Prints the initial JavaScript (the entry script and what index.html preloads), gzipped, and fails
// the build above the budget of DESIGN §9.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 400;
const dir = process.argv[2] ?? 'target/classes/static';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
let raw = 0;
let gzipped = 0;
for (const file of new Set(scripts)) {
  const bytes = readFileSync(join(dir, file));
  raw += bytes.length;
  gzipped += gzipSync(bytes, { level: 9 }).length;
}
const kb = (n) => (n / 1024).toFixed(1);
console.log(`web-ui budget: initial JavaScript ${kb(gzipped)} KB gzipped (${kb(raw)} KB raw, ${scripts.length} files); budget ${BUDGET_KB} KB`);
if (gzipped > BUDGET_KB * 1024) {
  console.error(`web-ui budget exceeded: ${kb(gzipped)} KB > ${BUDGET_KB} KB`);
  process.exit(1);
}
