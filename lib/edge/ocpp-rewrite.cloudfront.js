// CloudFront Function (runtime cloudfront-js-2.0), viewer request, on the OCPP distribution.
// API Gateway WebSocket APIs accept no path after the stage, but OCPP-J puts the charge point
// identity in the path (OCPP-J 1.6 §3.1.1, OCPP 2.0.1 Part 4 §3.1.1). Rewrite
// /ocpp/{identity} to /?cp={identity}; anything else is 404 (DESIGN.md §2.1).
// The local runtime runs this same file (local/edge.ts), so the two cannot drift.
// Identity: 1–48 chars of OCPP 2.0.1 identifierString, without ':' (it would break Basic auth).
var IDENTITY = /^[A-Za-z0-9*\-_=+|@.]{1,48}$/;

function notFound() {
  return { statusCode: 404, statusDescription: 'Not Found' };
}

function handler(event) {
  var request = event.request;
  var match = /^\/ocpp\/([^\/]+)$/.exec(request.uri);
  if (!match) return notFound();
  var identity;
  try {
    identity = decodeURIComponent(match[1]);
  } catch (e) {
    return notFound();
  }
  if (!IDENTITY.test(identity)) return notFound();
  request.uri = '/';
  request.querystring = { cp: { value: encodeURIComponent(identity) } };
  return request;
}
