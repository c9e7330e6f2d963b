// Signs payloads with ECommPay's official JS SDK (npm `ecommpay`), for the differential test.
// Input (stdin): one JSON object per line, {"secret": "...", "params": {...}}.
// Output (stdout): one line per input, the SDK's signature.
'use strict';
const { signer } = require('ecommpay');
const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0);
const out = lines.map((line) => {
  const { secret, params } = JSON.parse(line);
  return signer(params, secret);
});
process.stdout.write(out.join('\n') + '\n');
