// Prints the price data bundled in the pinned @pydantic/genai-prices npm
// package as JSON ({version, license, providers}) on stdout, for the Go
// generator (internal/domain/pricing/internal/genaidata) that writes the
// embedded table. Loading the package under node, rather than parsing its
// JavaScript, reads the data exactly as its calcPrice sees it.
'use strict';
const fs = require('fs');
const path = require('path');

const root = process.env.KAIZEN_NODE_DEPS || path.join(__dirname, '..', '.deps', 'node');
const dir = path.join(root, 'node_modules', '@pydantic', 'genai-prices');
let gp;
try {
  gp = require(path.join(dir, 'dist', 'index.cjs'));
} catch (err) {
  process.stderr.write(`gen-prices: cannot load @pydantic/genai-prices from ${dir} (run make deps): ${err.message}\n`);
  process.exit(2);
}
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
const license = fs.readFileSync(path.join(dir, 'LICENSE'), 'utf8');
gp.waitForUpdate().then((providers) => {
  process.stdout.write(JSON.stringify({ version: `${pkg.name}@${pkg.version}`, license, providers }));
}, (err) => {
  process.stderr.write(`gen-prices: ${err.message}\n`);
  process.exit(1);
});
