// Original file: greeter.proto

import type { Shout as _example_greeter_v1_Shout, Shout__Output as _example_greeter_v1_Shout__Output } from '../../../example/greeter/v1/Shout';

export interface HeardResponse {
  'shouts'?: (_example_greeter_v1_Shout)[];
}

export interface HeardResponse__Output {
  'shouts': (_example_greeter_v1_Shout__Output)[];
}
