// Original file: proto/g2g/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One peer in the client pool, with its connection statistics.
 */
export interface PeerInfo {
  'nodeId'?: (string);
  /**
   * Exponentially weighted average and recent mean of RTT (ms), from pings and calls.
   */
  'ewmaMs'?: (number | string);
  'meanMs'?: (number | string);
  'samples'?: (number);
  'errors'?: (number);
  'lastSuccessUnixMs'?: (number | string | Long);
  'inFlight'?: (number);
  /**
   * Id of its latency group (see PeersResponse.groups).
   */
  'groupId'?: (number);
  /**
   * The figure groups are cut on: the minimum of the recent samples (the path delay; scheduling
   * and queueing delays, which inflate the mean and the EWMA, only add to it).
   */
  'latencyMs'?: (number | string);
  /**
   * 95th percentile of the recent samples (fan-out hedges after twice this).
   */
  'p95Ms'?: (number | string);
}

/**
 * One peer in the client pool, with its connection statistics.
 */
export interface PeerInfo__Output {
  'nodeId': (string);
  /**
   * Exponentially weighted average and recent mean of RTT (ms), from pings and calls.
   */
  'ewmaMs': (number);
  'meanMs': (number);
  'samples': (number);
  'errors': (number);
  'lastSuccessUnixMs': (number);
  'inFlight': (number);
  /**
   * Id of its latency group (see PeersResponse.groups).
   */
  'groupId': (number);
  /**
   * The figure groups are cut on: the minimum of the recent samples (the path delay; scheduling
   * and queueing delays, which inflate the mean and the EWMA, only add to it).
   */
  'latencyMs': (number);
  /**
   * 95th percentile of the recent samples (fan-out hedges after twice this).
   */
  'p95Ms': (number);
}
