// CloudFront Function (runtime cloudfront-js-2.0), viewer request, on the OCPP distribution.
// API Gateway WebSocket APIs accept no path after the stage, but OCPP-J puts the charge point
// identity in the path (OCPP-J 1.6 §3.1.1, OCPP 2.0.1 Part 4 §3.1.1). Rewrite
// /ocpp/{identity} to /?cp={identity}; anything else is 404 (DESIGN.md §2.1).
// The local runtime runs this same file (local/edge.ts), so the two cannot drift.
// Identity: 1–48 chars of OCPP 2.0.1 identifierString, without ':' (it would break Basic auth).
//
// A near miss is passed on as received, not refused here: a trailing slash (/ocpp/CP1/), an extra
// path segment (/ocpp/foo/CP1, /ocpp/CP1/CP1) or an empty one (/ocpp//CP1) reaches $connect as
// cp=CP1/, cp=foo/CP1…, which refuses it (no identity contains '/') and records it, so the
// installer can be told what the charger sent (issue #14). Bounded: at most 4 segments, each empty
// or a valid identity, 100 characters in all; anything else is still 404 at the edge.
var IDENTITY = /^[A-Za-z0-9*\-_=+|@.]{1,48}$/;
var MAX_SEGMENTS = 4;
var MAX_RECEIVED = 100;

function notFound() {
  return { statusCode: 404, statusDescription: 'Not Found' };
}

function handler(event) {
  var request = event.request;
  var match = /^\/ocpp\/(.+)$/.exec(request.uri);
  if (!match) return notFound();
  var raw = match[1].split('/');
  if (raw.length > MAX_SEGMENTS) return notFound();
  var segments = [];
  var named = 0;
  for (var i = 0; i < raw.length; i++) {
    var segment;
    try {
      segment = decodeURIComponent(raw[i]);
    } catch (e) {
      return notFound();
    }
    if (segment !== '' && !IDENTITY.test(segment)) return notFound();
    if (segment !== '') named++;
    segments.push(segment);
  }
  var identity = segments.join('/');
  if (named === 0 || identity.length > MAX_RECEIVED) return notFound();
  request.uri = '/';
  request.querystring = { cp: { value: encodeURIComponent(identity) } };
  return request;
}
