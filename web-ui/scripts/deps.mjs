// Runs `npm ci` only when package-lock.json changed since the last install, so a warm build skips it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';

const lock = readFileSync('package-lock.json');
const hash = createHash('sha256').update(lock).digest('hex');
const stamp = 'node_modules/.braid-lock-hash';
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
  console.log('web-ui: node_modules matches package-lock.json');
} else {
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
  writeFileSync(stamp, hash);
}
