import type * as grpc from '@grpc/grpc-js';
import type { PluginServer } from '../contract';
import { PluginRegisterError } from '../errors';

/**
 * The testing kit's {@link PluginServer}: records what a plugin adds in `register`, with the
 * host's rules (only services the manifest declares, each once), so tests can call the handlers.
 */
export class FakePluginServer implements PluginServer {
  private readonly services = new Map<string, grpc.UntypedServiceImplementation>();

  constructor(
    private readonly plugin: string,
    /** The manifest's services; undefined accepts any name. */
    private readonly declared?: readonly string[],
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

  /** Names of the services added, in order. */
  serviceNames(): string[] {
    return [...this.services.keys()];
  }
}
