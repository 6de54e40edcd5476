// Verifies webhook deliveries with the reference implementation of Standard Webhooks (npm
// standardwebhooks), so SignOff's signatures are judged by code that is not SignOff's.
// stdin: a JSON array of { secret, body, headers }; stdout: a JSON array of { ok, error }.
"use strict";
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map(({ secret, body, headers }) => {
    try {
      new Webhook(secret).verify(body, headers);
      return { ok: true, error: null };
    } catch (e) {
      return { ok: false, error: String(e && e.message ? e.message : e) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
