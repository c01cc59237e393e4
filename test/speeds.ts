/**
 * Which test file runs at which speed. `npm run test:unit` runs UNIT, `npm run test:integration`
 * runs INTEGRATION, `npm test` runs both; test/run.ts refuses to start when a `*.test.ts` file (outside
 * test/faults, which `npm run test:faults` runs) is in neither list or in both, so a new file is never
 * skipped in silence: add it to one of the lists.
 *
 * Unit: in-process only. No listening socket and no outgoing connection (test/unit-guard.ts makes
 * either throw), so no hub, no demo plant, no broker, no PostgreSQL, no browser, no child process. SQLite
 * files in a temporary folder and Fastify `inject()` are in-process and allowed.
 * Integration: everything that starts a server, a hub, a child process, a browser or talks to PostgreSQL
 * or Mosquitto; they run one file at a time (ports, timing).
 */
export const UNIT: readonly string[] = [
  'test/analytics/kpi/api.test.ts',
  'test/analytics/kpi/counters.test.ts',
  'test/analytics/kpi/import.test.ts',
  'test/analytics/kpi/kpi.test.ts',
  'test/analytics/kpi/maintenance.test.ts',
  'test/analytics/kpi/properties.test.ts',
  'test/analytics/kpi/time.test.ts',
  'test/analytics/pdm/alerts.test.ts',
  'test/analytics/pdm/offline.test.ts',
  'test/api/api.test.ts',
  'test/api/limits.test.ts',
  'test/api/openapi.test.ts',
  'test/config/load.test.ts',
  'test/docs/generated.test.ts',
  'test/historian/codec.test.ts',
  'test/historian/columns.test.ts',
  'test/historian/dedupe.test.ts',
  'test/historian/historian.test.ts',
  'test/historian/read-slices.test.ts',
  'test/layering.test.ts',
  'test/model/model.test.ts',
  'test/pipeline/outbox.test.ts',
  'test/pki/pki.test.ts',
  'test/runtime/supervisor.test.ts',
  'test/security/audit.test.ts',
  'test/security/auth.test.ts',
  'test/security/csv.test.ts',
  'test/security/login.test.ts',
  'test/security/matrix.test.ts',
  'test/security/scope-payloads.test.ts',
  'test/security/write-typing.test.ts',
  'test/sim/maintenance.test.ts',
  'test/sim/physics.test.ts',
  'test/sinks/registry.test.ts',
  'test/sources/opcua/clock.test.ts',
  'test/sources/opcua/config.test.ts',
  'test/sources/opcua/values.test.ts',
  'test/speeds.test.ts',
  'test/web/downsample.test.ts',
  'test/workflows/api.test.ts',
  'test/workflows/delivery/registry.test.ts',
  'test/workflows/rules.test.ts',
];

/** Each with what it starts, so a file moves to UNIT only when that is gone. */
export const INTEGRATION: readonly string[] = [
  'test/analytics/kpi/cli.test.ts', // the CLI as a child process
  'test/analytics/kpi/demo.test.ts', // a hub with the demo plant
  'test/analytics/kpi/restart.test.ts', // a hub with the demo plant, restarted
  'test/analytics/pdm/fleet.test.ts', // in-process, but a simulated fleet of 26 failures takes ~50 s of CPU
  'test/analytics/pdm/hub.test.ts', // a hub with the demo plant
  'test/analytics/pdm/online.test.ts', // the demo plant's OPC UA server
  'test/api/client.test.ts', // a hub with the demo plant; the openapi-typescript CLI and tsc as child processes
  'test/e2e/cli.test.ts', // the built CLI (dist/) as a child process
  'test/e2e/hub.test.ts', // a hub, the demo plant, HTTP on a port
  'test/historian/cli-pg.test.ts', // PostgreSQL, the CLI
  'test/historian/crash.test.ts', // a child process killed mid-write
  'test/historian/pg-paging.test.ts', // PostgreSQL
  'test/historian/postgres.test.ts', // PostgreSQL, child processes
  'test/historian/registry.test.ts', // PostgreSQL
  'test/hub/downtime.test.ts', // a hub
  'test/hub/imports.test.ts', // a hub (no source) with its HTTP API
  'test/security/audit-cli.test.ts', // the CLI as a child process
  'test/security/classification.test.ts', // a hub, WebSocket on a port
  'test/security/governance.test.ts', // a hub, an MQTT broker
  'test/security/live-authority.test.ts', // WebSocket on a port
  'test/security/ownership.test.ts', // a hub with the demo plant, Mosquitto
  'test/security/pki-withdraw.test.ts', // a hub with the demo plant
  'test/security/pki-trust.test.ts', // a hub, child processes
  'test/security/transport.test.ts', // a hub on TLS, PostgreSQL
  'test/security/writes.test.ts', // a hub with the demo plant
  'test/sim/scale.test.ts', // the demo plant's OPC UA server
  'test/sim/server.test.ts', // the demo plant's OPC UA server
  'test/sim/state.test.ts', // the demo plant's OPC UA server
  'test/sources/conformance/modbus.test.ts', // a Modbus TCP server behind a TCP proxy
  'test/sources/conformance/mqtt.test.ts', // Mosquitto behind a TCP proxy
  'test/sources/conformance/opcua.test.ts', // an OPC UA server (child process) behind a TCP proxy
  'test/sources/modbus/source.test.ts', // a Modbus TCP server
  'test/sources/mqtt/source.test.ts', // Mosquitto, an embedded broker
  'test/sources/opcua/source.test.ts', // an OPC UA server
  'test/topology/topology.test.ts', // hubs, PostgreSQL, OPC UA, MQTT
  'test/uns/broker-acl.test.ts', // the embedded MQTT broker on a port
  'test/uns/hub.test.ts', // a hub, an MQTT broker
  'test/uns/json.test.ts', // Mosquitto
  'test/uns/sparkplug.test.ts', // an embedded MQTT broker
  'test/web/api-docs.test.ts', // a browser and a hub
  'test/web/auth.test.ts', // a browser and a hub
  'test/web/dashboard.test.ts', // a browser and a hub
  'test/web/delivery.test.ts', // a browser and a hub
  'test/web/governance.test.ts', // a browser and a hub
  'test/web/kpi-flags.test.ts', // a browser and a hub
  'test/web/kpi-health.test.ts', // a browser and a hub
  'test/web/live.test.ts', // WebSocket on a port
  'test/web/maintenance.test.ts', // a browser and a hub
  'test/workflows/delivery/actions.test.ts', // HTTP receivers, an MQTT broker
  'test/workflows/delivery/api.test.ts', // HTTP receivers
  'test/workflows/delivery/delivery.test.ts', // HTTP receivers, child processes
  'test/workflows/delivery/hub.test.ts', // a hub, an HTTP receiver
  'test/workflows/delivery/lanes.test.ts', // HTTP receivers (one that never answers)
  'test/workflows/delivery/sap.test.ts', // the SAP stand-in HTTP server
  'test/workflows/demo-loop.test.ts', // a hub with the demo plant
];
