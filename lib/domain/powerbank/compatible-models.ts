// Charge point models PowerBank treats as compatible (issue #19), matched against what the charger
// reported in BootNotification (chargePointVendor / chargePointModel in 1.6; chargingStation.vendorName
// / model in 2.0.1), normalised (lib/domain/powerbank/compatibility.ts).
//
// SOURCE, honestly: this is a STARTER LIST made by this project on 2026-11-30 from public knowledge
// of AC chargers that accept OCPP smart-charging profiles (SetChargingProfile), the mechanism
// activations use. It is NOT Monta's list, nor any vendor's or aggregator's official list, and no
// model here has been certified by anyone for grid flexibility. An operator corrects it per model
// with overrides (`PUT /api/v1/operator/powerbank/compatibility`), which win over this list; replace
// the list when the aggregator publishes its own.
//
// A model entry matches every reported model that starts with it once normalised (vendors report
// variant suffixes: "Terra AC W22-T-RD-M-0" is a "Terra AC").

export const COMPATIBLE_MODELS_SOURCE = {
  kind: 'starter list (not an official vendor or aggregator list)',
  compiledBy: 'this project, from public product information on OCPP smart charging',
  date: '2026-11-30',
} as const;

export const COMPATIBLE_MODELS: ReadonlyArray<{ readonly vendor: string; readonly model: string }> = [
  { vendor: 'ABB', model: 'Terra AC' },
  { vendor: 'Alfen', model: 'Eve Single' },
  { vendor: 'Alfen', model: 'Eve Double' },
  { vendor: 'Zaptec', model: 'Go' },
  { vendor: 'Zaptec', model: 'Pro' },
  { vendor: 'Easee', model: 'Charge' },
  { vendor: 'Wallbox', model: 'Pulsar Plus' },
  { vendor: 'Wallbox', model: 'Commander 2' },
  { vendor: 'KEBA', model: 'KeContact P30' },
  { vendor: 'Schneider Electric', model: 'EVlink Pro AC' },
  { vendor: 'Etrel', model: 'INCH' },
  { vendor: 'Autel', model: 'MaxiCharger AC' },
];
