import { joinTargets, joinWithTicket } from './join-client';
import { rejoinTargets } from './rejoin-client';
import { identifyService } from './service-client';

/**
 * The register-port calls a node makes to get into the network: WhoAmI at a service address, the
 * join handshake (with a token at given targets, or with a ticket) and Register.Rejoin. A node
 * makes them over gRPC; a test of the joining decisions hands in its own, as the membership
 * protocol takes its Transport.
 */
export interface RegisterCalls {
  identifyService: typeof identifyService;
  joinTargets: typeof joinTargets;
  joinWithTicket: typeof joinWithTicket;
  rejoinTargets: typeof rejoinTargets;
}

export const grpcRegisterCalls: RegisterCalls = { identifyService, joinTargets, joinWithTicket, rejoinTargets };
