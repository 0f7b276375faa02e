// Types only: at run time this plugin needs nothing from g2g or grpc-js, so it loads into any
// g2g whose version matches the manifest's "host" range.
import type { ChannelMessage, G2gPlugin, PluginContext, PluginServer } from 'g2g';
import type { GreeterClient, GreeterHandlers } from './src/generated/example/greeter/v1/Greeter';

/** `plugins.greeter.*`, validated by the host against the schema in g2g-plugin.json. */
export interface GreeterConfig {
  greeting: string;
  keepHeard: number;
  peerTimeout: number;
}

const SERVICE = 'example.greeter.v1.Greeter';
const SHOUTS = 'shouts'; // a topic under this plugin's prefix: `greeter/shouts` on the wire
const INVALID_ARGUMENT = 3; // gRPC status codes are part of the protocol and never change
const MAX_SHOUT_BYTES = 1024;


export default class Greeter implements G2gPlugin {
  private readonly heard: { nodeId: string; text: string }[] = [];
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly ctx: PluginContext<GreeterConfig>) {}

  /** Adds the service; runs before the gossip port listens. */
  register(server: PluginServer): void {
    // Handler and client types generated from greeter.proto by `g2g plugin gen examples/plugin-author`.
    const handlers: GreeterHandlers = {
      Hello: (call, callback) => {
        // The host has already refused anyone who is not a member or an operator.
        const caller = this.ctx.callerOf(call);
        const who = caller?.kind === 'operator' ? `operator ${caller.name}` : `member ${caller?.nodeId ?? 'unknown'}`;
        callback(null, { message: `${this.ctx.config.greeting}, ${who}, from ${this.ctx.nodeId}` });
      },

      HelloPeers: (call, callback) => {
        const count = call.request.count || 3;
        // Peers in the pool's query order (far, near, second far, …), each with its deadline;
        // a failed or slow peer is replaced by the next. Partial results are a value. The call
        // is handed to `cancel` so that the pool cancels it once it no longer waits for it.
        this.ctx.pool
          .fanOut<string, GreeterClient>(
            count,
            (client, _nodeId, deadline, cancel) =>
              new Promise((resolve, reject) => {
                const hello = client.Hello({}, { deadline }, (error, reply) => (error ? reject(error) : resolve(reply!.message)));
                cancel.cancelOnEnd(hello);
              }),
            { deadlineMs: this.ctx.config.peerTimeout },
          )
          .then((outcome) =>
            callback(null, {
              hellos: outcome.results.map((r) => ({ nodeId: r.nodeId, message: r.value })),
              failures: outcome.errors.map((e) => ({ nodeId: e.nodeId, code: e.code, error: e.error.message })),
            }),
          );
      },

      Shout: (call, callback) => {
        const bytes = new TextEncoder().encode(call.request.text ?? '');
        if (bytes.length === 0 || bytes.length > MAX_SHOUT_BYTES) {
          callback({ code: INVALID_ARGUMENT, details: `text must be 1-${MAX_SHOUT_BYTES} bytes` });
          return;
        }
        this.ctx.channel.publish(SHOUTS, bytes).then(
          (message) => callback(null, { seq: message.seq }),
          (error: Error) => callback(error),
        );
      },

      Heard: (_call, callback) => {
        callback(null, { shouts: this.heard });
      },
    };
    server.addService(SERVICE, handlers);
  }

  /** Starts listening to the channel; runs after the port listens and the node has joined. */
  start(): void {
    this.unsubscribe = this.ctx.channel.subscribe(SHOUTS, (message: ChannelMessage) => {
      // `origin` is the member that signed the message: relays cannot forge it.
      this.heard.push({ nodeId: message.origin, text: new TextDecoder().decode(message.data) });
      if (this.heard.length > this.ctx.config.keepHeard) this.heard.shift();
    });
  }

  /** Runs on shutdown (the context's abort signal has fired already). */
  stop(): void {
    this.unsubscribe?.();
  }
}
