'use strict';
// An independent client for the ECommPay sandbox: it signs with the official JS SDK's `signer`
// and verifies every callback (and every signed status answer) with the SDK's `Callback` class.
// It shares no code with the Rust workspace. It drives a whole sale (pay on the bot page) and
// then a payout to the card the sale returned, and exits 0 only if everything held.
//
// env: SANDBOX_URL (base URL), ECOMMPAY_SECRET, PROJECT_ID. Node 18+, no packages but `ecommpay`.

const http = require('http');
const { signer, Callback } = require('ecommpay');

const base = (process.env.SANDBOX_URL || '').replace(/\/$/, '');
const secret = process.env.ECOMMPAY_SECRET || '';
const projectId = Number(process.env.PROJECT_ID);
const deadline = Date.now() + 30000;

function fail(msg) {
  console.error(`sandbox-client: FAIL: ${msg}`);
  process.exit(1);
}
if (!base || !secret || !Number.isInteger(projectId)) {
  fail('set SANDBOX_URL, ECOMMPAY_SECRET and PROJECT_ID');
}

const callbacks = []; // verified callback bodies, signature removed by the SDK
const badCallbacks = [];

const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => { raw += c; });
  req.on('end', () => {
    try {
      const cb = new Callback(secret, raw);
      callbacks.push(cb.callback);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('OK');
    } catch (e) {
      badCallbacks.push(`${e.message}: ${raw}`);
      res.writeHead(403, { 'Content-Type': 'text/plain' });
      res.end('bad signature');
    }
  });
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function signed(body) {
  const sig = signer(body, secret);
  if (body.general) body.general.signature = sig; else body.signature = sig;
  return body;
}

async function post(path, body) {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch (e) { fail(`${path}: not JSON (${res.status}): ${text}`); }
  return { status: res.status, json };
}

async function waitFor(what, pred) {
  while (Date.now() < deadline) {
    if (badCallbacks.length) fail(`a callback did not verify: ${badCallbacks[0]}`);
    const found = callbacks.find(pred);
    if (found) return found;
    await sleep(20);
  }
  return fail(`timed out waiting for ${what}; got ${JSON.stringify(callbacks.map((c) => [c.payment.id, c.payment.status]))}`);
}

async function status(paymentId) {
  const r = await post('/v2/payment/status', signed({ general: { project_id: projectId, payment_id: paymentId } }));
  if (r.status !== 200) fail(`status ${paymentId}: HTTP ${r.status} ${JSON.stringify(r.json)}`);
  let verified;
  try { verified = new Callback(secret, r.json).callback; } catch (e) { fail(`status answer did not verify: ${JSON.stringify(r.json)}`); }
  return verified;
}

async function main() {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const cbUrl = `http://127.0.0.1:${server.address().port}/callback`;
  const stamp = Date.now();
  const customer = { id: `js-customer-${stamp}`, ip_address: '198.51.100.7' };

  // 1. The sale.
  const saleId = `js-sale-${stamp}`;
  const sale = await post('/v2/payment/card-partner/sale', signed({
    general: { project_id: projectId, payment_id: saleId, merchant_callback_url: cbUrl },
    customer,
    payment: { amount: 1500000, currency: 'UZS', extra_param: 'uzcard', description: 'JS SDK sale' },
  }));
  if (sale.status !== 200 || sale.json.status !== 'success' || !sale.json.request_id) {
    fail(`sale not accepted: ${sale.status} ${JSON.stringify(sale.json)}`);
  }

  const waiting = await waitFor('awaiting redirect result', (c) => c.payment.id === saleId && c.payment.status === 'awaiting redirect result');
  const redirect = waiting.redirect_data || waiting.redirectData;
  if (!redirect || redirect.method !== 'GET' || !/\/bot\/[0-9a-f]+$/.test(redirect.url)) {
    fail(`no usable redirect data: ${JSON.stringify(waiting)}`);
  }
  if (waiting.operation.request_id !== sale.json.request_id) fail('callback request_id differs from the answer');
  const st1 = await status(saleId);
  if (st1.payment.status !== 'awaiting redirect result') fail(`status while waiting: ${st1.payment.status}`);

  // 2. The customer pays in the bot.
  const page = await fetch(redirect.url);
  const html = await page.text();
  if (page.status !== 200 || !html.includes("15 000 so'm")) fail(`bot page: ${page.status}`);
  const paid = await fetch(`${redirect.url}/pay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'card=uzcard-ok',
  });
  if (paid.status !== 200) fail(`pay: HTTP ${paid.status}`);

  const success = await waitFor('sale success', (c) => c.payment.id === saleId && c.payment.status === 'success');
  const card = success.account && success.account.number;
  const masked = success.provider_extra_fields && success.provider_extra_fields.masked_card;
  if (!card || !/^\d{6}\*+\d{4}$/.test(masked || '')) fail(`success without card fields: ${JSON.stringify(success)}`);
  if (success.operation.code !== '0' || success.payment.sum.amount !== 1500000) fail('success callback fields');
  if ((await status(saleId)).payment.status !== 'success') fail('status after success');

  // 3. The payout to that card.
  const payoutId = `js-payout-${stamp}`;
  const payout = await post('/v2/payment/card-partner/payout', signed({
    general: { project_id: projectId, payment_id: payoutId, merchant_callback_url: cbUrl },
    customer,
    payment: { amount: 500000, currency: 'UZS', description: 'JS SDK payout' },
    account: { number: card },
  }));
  if (payout.status !== 200 || payout.json.status !== 'success') {
    fail(`payout not accepted: ${payout.status} ${JSON.stringify(payout.json)}`);
  }
  const done = await waitFor('payout success', (c) => c.payment.id === payoutId && c.payment.status === 'success');
  if (done.payment.type !== 'payout' || done.account.number !== card) fail(`payout callback: ${JSON.stringify(done)}`);
  if ((await status(payoutId)).payment.status !== 'success') fail('payout status');

  // 4. A request the gateway must refuse: a wrong signature.
  const forged = signed({
    general: { project_id: projectId, payment_id: `js-forged-${stamp}` },
    customer,
    payment: { amount: 100, currency: 'UZS', extra_param: 'uzcard' },
  });
  forged.payment.amount = 100000;
  const refused = await post('/v2/payment/card-partner/sale', forged);
  if (refused.status < 400 || refused.json.status !== 'error' || String(refused.json.code) !== '3261') {
    fail(`forged request not refused with 3261: ${refused.status} ${JSON.stringify(refused.json)}`);
  }

  if (badCallbacks.length) fail(`a callback did not verify: ${badCallbacks[0]}`);
  console.log(`sandbox-client: OK (${callbacks.length} callbacks verified with the ecommpay SDK)`);
  server.close();
  process.exit(0);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
