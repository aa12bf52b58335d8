// OCPP 1.6 has no standard configuration key for the central system URL: moving a 1.6 charger to
// another backoffice needs the vendor's own key, given per model as `{"Vendor/Model": "KeyName"}`
// (env OCPP16_BACKOFFICE_URL_KEYS; CDK context `ocpp16BackofficeUrlKeys`). Pure, so the CDK app
// checks a deploy setting with the very parser the functions start with.

export function parseUrlKeys(raw: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string' || !v)) {
    throw new Error('OCPP16_BACKOFFICE_URL_KEYS must be a JSON object {"Vendor/Model": "KeyName"}');
  }
  return parsed as Record<string, string>;
}
