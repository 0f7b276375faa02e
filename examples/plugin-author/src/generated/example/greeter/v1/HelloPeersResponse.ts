// Original file: greeter.proto

import type { PeerHello as _example_greeter_v1_PeerHello, PeerHello__Output as _example_greeter_v1_PeerHello__Output } from '../../../example/greeter/v1/PeerHello';
import type { PeerFailure as _example_greeter_v1_PeerFailure, PeerFailure__Output as _example_greeter_v1_PeerFailure__Output } from '../../../example/greeter/v1/PeerFailure';

export interface HelloPeersResponse {
  'hellos'?: (_example_greeter_v1_PeerHello)[];
  'failures'?: (_example_greeter_v1_PeerFailure)[];
}

export interface HelloPeersResponse__Output {
  'hellos': (_example_greeter_v1_PeerHello__Output)[];
  'failures': (_example_greeter_v1_PeerFailure__Output)[];
}
