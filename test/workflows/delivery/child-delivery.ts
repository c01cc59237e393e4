/**
 * Runs a Delivery in its own process (for the kill-mid-delivery test): argv = outbox path, webhook
 * URL. Enqueues one change, then delivers until killed.
 */
import { Delivery } from '../../../src/workflows/delivery/index.js';
import { change, connectors, log, workOrder } from './helpers.js';

const [outboxPath, url] = process.argv.slice(2) as [string, string];
const d = new Delivery({
  config: connectors({ timeout: 60_000, list: [{ kind: 'webhook', name: 'cmms', url, secret: 'k1' }] }),
  outboxPath,
  logger: log,
});
d.enqueue(change('created', workOrder('WO-000900')));
d.start();
process.stdout.write('enqueued\n');
setInterval(() => {}, 1000);
