import type { RegisterHandlers } from '../proto/generated/g2g/v1/Register';
import { parsePeerAddress } from '../transport/peer-address';

export interface RegisterServiceComponents {
  nodeId: string;
  cluster: string;
}

/** The register port's service. `Join` is answered UNIMPLEMENTED until membership lands. */
export function registerHandlers(components: RegisterServiceComponents): Pick<RegisterHandlers, 'WhoAmI'> {
  return {
    WhoAmI(call, callback) {
      const { address, port } = parsePeerAddress(call.getPeer());
      callback(null, { address, port, nodeId: components.nodeId, cluster: components.cluster });
    },
  };
}

