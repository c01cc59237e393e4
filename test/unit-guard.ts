/**
 * Loaded into every unit test file (test/run.ts passes it with --import): a unit test that opens a
 * listening socket or an outgoing TCP/IPC connection fails at once with a message saying to move the
 * file to INTEGRATION in test/speeds.ts. This keeps the unit speed honest as files change.
 * Child processes are not blocked: tsx compiles through an esbuild child process.
 * Active only inside the test runner's per-file child (NODE_TEST_CONTEXT), never in the runner itself.
 */
import net from 'node:net';

if (process.env.NODE_TEST_CONTEXT) {
  const refuse = (what: string): never => {
    throw new Error(
      `unit test ${process.argv[1] ?? ''} ${what}: unit tests are in-process only; move the file to INTEGRATION in test/speeds.ts`,
    );
  };
  net.Server.prototype.listen = function listen(): never {
    return refuse('opened a listening socket');
  };
  net.Socket.prototype.connect = function connect(): never {
    return refuse('opened a network connection');
  };
}
