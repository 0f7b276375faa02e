import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Server } from '@grpc/grpc-js';

/**
 * grpc.health.v1 for one port: `''` (the whole node) and every service the port serves.
 * Check, Watch and List come from grpc-health-check; this class only owns the set of names.
 */
export class PortHealth {
  private readonly implementation = new HealthImplementation();
  private readonly services = new Set<string>(['']);
  private readonly independent = new Set<string>();

  constructor(services: readonly string[], initial: ServingStatus = 'NOT_SERVING') {
    for (const name of services) this.services.add(name);
    this.setAll(initial);
  }

  /**
   * Adds a service name with its own status. With `followsPort` false (a plugin's service) the
   * name is left out of `setAll`: its owner sets it, so the port going SERVING cannot report a
   * stopped or failed plugin as serving.
   */
  addService(name: string, status: ServingStatus, followsPort = true): void {
    if (followsPort) this.services.add(name);
    else this.independent.add(name);
    this.implementation.setStatus(name, status);
  }

  set(name: string, status: ServingStatus): void {
    this.implementation.setStatus(name, status);
  }

  setAll(status: ServingStatus): void {
    for (const name of this.services) this.implementation.setStatus(name, status);
  }

  serviceNames(): string[] {
    return [...this.services, ...this.independent];
  }

  addToServer(server: Pick<Server, 'addService'>): void {
    this.implementation.addToServer(server);
  }
}
