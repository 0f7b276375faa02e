import * as grpc from '@grpc/grpc-js';
import type { Counter, Histogram } from 'prom-client';
import type { NodeMetrics } from '../metrics/metrics';

/**
 * Counts every call and times it to its status, for every service on a port, plugins included,
 * without any code of theirs. Installed innermost, so calls the authorisation interceptor
 * refuses are counted too. Label children are looked up once per method (and code), not per
 * call: prom-client hashes the label object on every un-bound `inc`/`observe`.
 */
export function metricsInterceptor(metrics: NodeMetrics, port: string): grpc.ServerInterceptor {
  const perMethod = new Map<string, { timer: Histogram.Internal<string>; started: Counter.Internal; byCode: Map<number, Counter.Internal>; service: string; name: string }>();
  const childrenFor = (path: string) => {
    let children = perMethod.get(path);
    if (!children) {
      const [service = '', name = ''] = path.slice(1).split('/');
      const labels = { port, grpc_service: service, grpc_method: name };
      children = { timer: metrics.handling.labels(labels), started: metrics.started.labels(labels), byCode: new Map(), service, name };
      perMethod.set(path, children);
    }
    return children;
  };
  return (method, call) => {
    const started = process.hrtime.bigint();
    childrenFor(method.path).started.inc();
    return new grpc.ServerInterceptingCall(call, {
      sendStatus: (status, next) => {
        const children = childrenFor(method.path);
        children.timer.observe(Number(process.hrtime.bigint() - started) / 1e9);
        let counter = children.byCode.get(status.code);
        if (!counter) {
          counter = metrics.handled.labels({ port, grpc_service: children.service, grpc_method: children.name, grpc_code: grpc.status[status.code] ?? String(status.code) });
          children.byCode.set(status.code, counter);
        }
        counter.inc();
        next(status);
      },
    });
  };
}
