// Prices the cases given as a JSON array on stdin with genai-prices'
// reference calcPrice (the pinned @pydantic/genai-prices npm package and
// its bundled data, never the remote update), for the pricing package's
// differential test. Each case is {provider, model, usage, timestamp};
// each result is {model, provider, input, output, total} or {error}.
'use strict';
const path = require('path');

const root = process.env.KAIZEN_NODE_DEPS || path.join(__dirname, '..', '..', '..', '..', '.deps', 'node');
const dir = path.join(root, 'node_modules', '@pydantic', 'genai-prices');
let gp;
try {
  gp = require(path.join(dir, 'dist', 'index.cjs'));
} catch (err) {
  process.stderr.write(`calcprice: cannot load @pydantic/genai-prices from ${dir} (run make deps): ${err.message}\n`);
  process.exit(2);
}
console.warn = () => {}; // unsupported-key notices are expected for keys Kaizen does not bill

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const out = JSON.parse(input).map((c) => {
    try {
      const r = gp.calcPrice(c.usage, c.model, { providerId: c.provider, timestamp: new Date(c.timestamp) });
      if (!r) return { error: 'no price' };
      return { model: r.model.id, provider: r.provider.id, input: r.input_price, output: r.output_price, total: r.total_price };
    } catch (err) {
      return { error: err.message };
    }
  });
  process.stdout.write(JSON.stringify(out));
});
