// CloudFront Function (runtime cloudfront-js-2.0), viewer response, on the OCPP distribution.
// A refused upgrade with 401 must carry a Basic challenge (RFC 9110 §15.5.2: a 401 "MUST send a
// WWW-Authenticate header field containing at least one challenge"; RFC 7617 §2 defines Basic with
// a required realm and §2.1 the charset parameter). Chargers that send credentials only when
// challenged (OCPP-J 1.6 security whitepaper §2.1 / 2.0.1 Part 2 A00: HTTP Basic authentication)
// never log in without it. It is added here and not by $connect because API Gateway WebSocket APIs
// pass only Sec-WebSocket-* headers of a $connect integration response on to the client.
// The local runtime runs this same file on every refused upgrade (local/edge.ts).
var CHALLENGE = 'Basic realm="OCPP", charset="UTF-8"';

function handler(event) {
  var response = event.response;
  if (response.statusCode === 401 && !response.headers['www-authenticate']) {
    response.headers['www-authenticate'] = { value: CHALLENGE };
  }
  return response;
}
