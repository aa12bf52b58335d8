// Work per message used by `npm run cost` when no bench result exists (or with --defaults):
// measured by `npm run bench -- --chargers 100 --seconds 10` on 2026-11-21 (2 × AMD EPYC, Node v20.20.2, load average at start 0.89 3.54 3.65).
// Regenerate by running the bench and copying `unitCosts` from bench/results/latest.json.
import type { UnitCosts } from './cost-model';

export const DEFAULT_UNIT_COSTS: UnitCosts = {
  source: "defaults (bench/lib/defaults.ts): measured by `npm run bench -- --chargers 100 --seconds 10` on 2026-11-21 (2 × AMD EPYC, Node v20.20.2, load average at start 0.89 3.54 3.65)",
  messages: {
    "ocpp1.6 BootNotification": {
      billedMs: 26.8,
      readUnits: 2,
      writeUnits: 8,
      writeUnitsGsi: 2,
      dynamoRequests: 3,
      events: {
        "charge_point.booted": 1
      },
      bytesIn: 189.64,
      bytesOut: 119,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 581.93
    },
    "ocpp1.6 Heartbeat": {
      billedMs: 9.9,
      readUnits: 1,
      writeUnits: 1,
      writeUnitsGsi: 0,
      dynamoRequests: 2,
      events: {},
      bytesIn: 57,
      bytesOut: 85,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 408.76
    },
    "ocpp1.6 MeterValues": {
      billedMs: 10.5,
      readUnits: 1,
      writeUnits: 1,
      writeUnitsGsi: 0,
      dynamoRequests: 2,
      events: {},
      bytesIn: 238.87,
      bytesOut: 45,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 553.38
    },
    "ocpp1.6 StartTransaction": {
      billedMs: 34,
      readUnits: 1,
      writeUnits: 7,
      writeUnitsGsi: 0,
      dynamoRequests: 3,
      events: {},
      bytesIn: 151.68,
      bytesOut: 96.76,
      logBytes: 0,
      itemsPut: 3,
      itemBytes: 318.94
    },
    "ocpp1.6 StatusNotification": {
      billedMs: 13.8,
      readUnits: 1,
      writeUnits: 2,
      writeUnitsGsi: 1,
      dynamoRequests: 2,
      events: {
        "charge_point.status_changed": 1
      },
      bytesIn: 162.83,
      bytesOut: 45,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 631.79
    },
    "ocpp1.6 StopTransaction": {
      billedMs: 15.4,
      readUnits: 1,
      writeUnits: 4,
      writeUnitsGsi: 0,
      dynamoRequests: 2,
      events: {},
      bytesIn: 162.55,
      bytesOut: 45,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 480.45
    },
    "ocpp2.0.1 BootNotification": {
      billedMs: 22.1,
      readUnits: 2,
      writeUnits: 8,
      writeUnitsGsi: 2,
      dynamoRequests: 3,
      events: {
        "charge_point.booted": 1
      },
      bytesIn: 199.64,
      bytesOut: 119,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 591.93
    },
    "ocpp2.0.1 Heartbeat": {
      billedMs: 9.4,
      readUnits: 1,
      writeUnits: 1,
      writeUnitsGsi: 0,
      dynamoRequests: 2,
      events: {},
      bytesIn: 57,
      bytesOut: 85,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 408.77
    },
    "ocpp2.0.1 MeterValues": {
      billedMs: 13.3,
      readUnits: 1,
      writeUnits: 1,
      writeUnitsGsi: 0,
      dynamoRequests: 2,
      events: {},
      bytesIn: 231,
      bytesOut: 45,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 545.53
    },
    "ocpp2.0.1 StatusNotification": {
      billedMs: 10.3,
      readUnits: 1,
      writeUnits: 2,
      writeUnitsGsi: 1,
      dynamoRequests: 2,
      events: {
        "charge_point.status_changed": 1
      },
      bytesIn: 160.74,
      bytesOut: 45,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 623.69
    },
    "ocpp2.0.1 TransactionEvent(Ended)": {
      billedMs: 16,
      readUnits: 1,
      writeUnits: 6,
      writeUnitsGsi: 0,
      dynamoRequests: 2,
      events: {},
      bytesIn: 454,
      bytesOut: 45,
      logBytes: 0,
      itemsPut: 2,
      itemBytes: 485.18
    },
    "ocpp2.0.1 TransactionEvent(Started)": {
      billedMs: 24.2,
      readUnits: 1,
      writeUnits: 6,
      writeUnitsGsi: 0,
      dynamoRequests: 2,
      events: {},
      bytesIn: 508.68,
      bytesOut: 80,
      logBytes: 0,
      itemsPut: 2,
      itemBytes: 547.85
    },
    "ocpp2.0.1 TransactionEvent(Updated)": {
      billedMs: 15.7,
      readUnits: 1,
      writeUnits: 6,
      writeUnitsGsi: 0,
      dynamoRequests: 2,
      events: {},
      bytesIn: 435,
      bytesOut: 45,
      logBytes: 0,
      itemsPut: 2,
      itemBytes: 476.17
    }
  },
  connect: {
    "ocpp1.6": {
      billedMs: 83.9,
      readUnits: 1.5,
      writeUnits: 8,
      writeUnitsGsi: 2,
      dynamoRequests: 3,
      events: {
        "charge_point.connected": 1
      },
      bytesIn: 0,
      bytesOut: 0,
      logBytes: 0,
      itemsPut: 2,
      itemBytes: 257.63
    },
    "ocpp2.0.1": {
      billedMs: 67.4,
      readUnits: 1.5,
      writeUnits: 8,
      writeUnitsGsi: 2,
      dynamoRequests: 3,
      events: {
        "charge_point.connected": 1
      },
      bytesIn: 0,
      bytesOut: 0,
      logBytes: 0,
      itemsPut: 2,
      itemBytes: 259.63
    }
  },
  disconnect: {
    "ocpp1.6": {
      billedMs: 35.8,
      readUnits: 1,
      writeUnits: 8,
      writeUnitsGsi: 2,
      dynamoRequests: 2,
      events: {
        "charge_point.disconnected": 1
      },
      bytesIn: 0,
      bytesOut: 0,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 258.33
    },
    "ocpp2.0.1": {
      billedMs: 31.4,
      readUnits: 1,
      writeUnits: 8,
      writeUnitsGsi: 2,
      dynamoRequests: 2,
      events: {
        "charge_point.disconnected": 1
      },
      bytesIn: 0,
      bytesOut: 0,
      logBytes: 0,
      itemsPut: 1,
      itemBytes: 258.33
    }
  },
  eventTargets: {
    "charge_point.booted": {
      billedMs: 7.2,
      readUnits: 0,
      writeUnits: 0,
      writeUnitsGsi: 0,
      dynamoRequests: 1,
      events: {},
      bytesIn: 0,
      bytesOut: 0,
      logBytes: 0,
      itemsPut: 0,
      itemBytes: 0
    },
    "charge_point.connected": {
      billedMs: 6.4,
      readUnits: 0,
      writeUnits: 0,
      writeUnitsGsi: 0,
      dynamoRequests: 1,
      events: {},
      bytesIn: 0,
      bytesOut: 0,
      logBytes: 0,
      itemsPut: 0,
      itemBytes: 0
    },
    "charge_point.disconnected": {
      billedMs: 7.3,
      readUnits: 0,
      writeUnits: 0,
      writeUnitsGsi: 0,
      dynamoRequests: 1,
      events: {},
      bytesIn: 0,
      bytesOut: 0,
      logBytes: 0,
      itemsPut: 0,
      itemBytes: 0
    },
    "charge_point.status_changed": {
      billedMs: 8.5,
      readUnits: 0,
      writeUnits: 0,
      writeUnitsGsi: 0,
      dynamoRequests: 1,
      events: {},
      bytesIn: 0,
      bytesOut: 0,
      logBytes: 0,
      itemsPut: 0,
      itemBytes: 0
    }
  }
};
