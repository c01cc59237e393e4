/**
 * The pipeline's public door: the fan-out from sources to sinks with its ingest rate meter, and the
 * contracts (Source, Sink, EventSink, HubEvent) that sources, sinks and features implement. The
 * outbox and forwarder have their own door, src/pipeline/outbox/index.ts.
 */
export { Pipeline, RateMeter } from './pipeline.js';
export type * from './types.js';
