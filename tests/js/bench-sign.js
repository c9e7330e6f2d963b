// Times the official JS SDK (npm `ecommpay`) signing one payload, for the signature benchmark.
// Usage: node bench-sign.js <payload.json> <secret-env-var-name>; prints nanoseconds per signature.
'use strict';
const { signer } = require('ecommpay');
const payload = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const secret = process.env[process.argv[3]];
const run = (n) => { for (let i = 0; i < n; i++) signer(payload, secret); };
run(20000); // warm-up: let the JIT settle
let best = Infinity;
for (let round = 0; round < 5; round++) {
  const n = 20000;
  const t0 = process.hrtime.bigint();
  run(n);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  best = Math.min(best, ns);
}
process.stdout.write(`${best.toFixed(0)}\n`);
