import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Server } from '@grpc/grpc-js';

/**
 * grpc.health.v1 for one port: `''` (the whole node) and every service the port serves.
 * Check, Watch and List come from grpc-health-check; this class only owns the set of names.
 */
export class PortHealth {
  private readonly implementation = new HealthImplementation();
  private readonly services = new Set<string>(['']);

  constructor(services: readonly string[], initial: ServingStatus = 'NOT_SERVING') {
    for (const name of services) this.services.add(name);
    this.setAll(initial);
  }

  /** Adds a service name (e.g. a plugin's) with its own status. */
  addService(name: string, status: ServingStatus): void {
    this.services.add(name);
    this.implementation.setStatus(name, status);
  }

  set(name: string, status: ServingStatus): void {
    this.implementation.setStatus(name, status);
  }

  setAll(status: ServingStatus): void {
    for (const name of this.services) this.implementation.setStatus(name, status);
  }

  serviceNames(): string[] {
    return [...this.services];
  }

  addToServer(server: Pick<Server, 'addService'>): void {
    this.implementation.addToServer(server);
  }
}
