import type * as grpc from '@grpc/grpc-js';
import { silentLogger, type Logger } from '../../log/logger';
import type { PluginServer } from '../contract';
import { PluginRegisterError } from '../errors';
import type { MethodKinds } from './stub-client';

/**
 * The testing kit's {@link PluginServer}: records what a plugin adds in `register`, with the
 * host's rules (only services the manifest declares, each once), so tests can call the handlers.
 */
export class FakePluginServer implements PluginServer {
  private readonly services = new Map<string, grpc.UntypedServiceImplementation>();
  /** Streaming shape of each method, per service, when the kit loaded the plugin's protos. */
  private readonly kinds = new Map<string, MethodKinds>();

  constructor(
    private readonly plugin: string,
    /** The manifest's services; undefined accepts any name. */
    private readonly declared?: readonly string[],
    /** The plugin's logger: where its handlers' unexpected errors are logged, as on a node. */
    readonly log: Logger = silentLogger(),
  ) {}

  addService(service: string, implementation: grpc.UntypedServiceImplementation): void {
    if (this.declared && !this.declared.includes(service)) {
      throw new PluginRegisterError(this.plugin, `service ${service} is not declared in the manifest (declared: ${this.declared.join(', ') || 'none'})`);
    }
    if (this.services.has(service)) throw new PluginRegisterError(this.plugin, `service ${service} was added twice`);
    if (typeof implementation !== 'object' || implementation === null) {
      throw new PluginRegisterError(this.plugin, `service ${service}: the implementation must be an object of handlers`);
    }
    this.services.set(service, implementation);
  }

  /** The handlers added for `service`, if any. */
  implementation(service: string): grpc.UntypedServiceImplementation | undefined {
    return this.services.get(service);
  }

  /** Records the methods' streaming shapes from the service definitions (the kit does, given `pluginDir`). */
  setDefinitions(definitions: ReadonlyMap<string, grpc.ServiceDefinition>): void {
    for (const [service, definition] of definitions) {
      const kinds: Record<string, 'unary' | 'server' | 'client' | 'bidi'> = {};
      for (const [name, m] of Object.entries(definition)) {
        const kind = m.requestStream ? (m.responseStream ? 'bidi' : 'client') : m.responseStream ? 'server' : 'unary';
        kinds[name] = kind;
        if (m.originalName) kinds[m.originalName] = kind;
      }
      this.kinds.set(service, kinds);
    }
  }

  kindsOf(service: string): MethodKinds | undefined {
    return this.kinds.get(service);
  }

  /** Names of the services added, in order. */
  serviceNames(): string[] {
    return [...this.services.keys()];
  }
}
