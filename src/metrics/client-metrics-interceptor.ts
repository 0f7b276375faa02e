import * as grpc from '@grpc/grpc-js';
import type { Counter, Histogram } from 'prom-client';

/** The client-side call metrics, as NodeMetrics holds them (go-grpc-prometheus names). */
export interface ClientCallMetrics {
  clientStarted: Counter<'grpc_service' | 'grpc_method'>;
  clientHandled: Counter<'grpc_service' | 'grpc_method' | 'grpc_code'>;
  clientHandling: Histogram<'grpc_service' | 'grpc_method'>;
}

/**
 * Counts and times the calls a node makes through its client pool (`grpc_client_started_total`,
 * `grpc_client_handled_total`, `grpc_client_handling_seconds`), plugins' calls included, from
 * the start of a call to its status. Label children are bound once per method, as on the server.
 */
export function clientMetricsInterceptor(metrics: ClientCallMetrics): grpc.Interceptor {
  const perMethod = new Map<string, { started: Counter.Internal; timer: Histogram.Internal<string>; byCode: Map<number, Counter.Internal>; service: string; name: string }>();
  const childrenFor = (path: string) => {
    let children = perMethod.get(path);
    if (!children) {
      const [service = '', name = ''] = path.slice(1).split('/');
      const labels = { grpc_service: service, grpc_method: name };
      children = { started: metrics.clientStarted.labels(labels), timer: metrics.clientHandling.labels(labels), byCode: new Map(), service, name };
      perMethod.set(path, children);
    }
    return children;
  };
  return (options, nextCall) => {
    const children = childrenFor(options.method_definition.path);
    const started = process.hrtime.bigint();
    children.started.inc();
    return new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            children.timer.observe(Number(process.hrtime.bigint() - started) / 1e9);
            let counter = children.byCode.get(status.code);
            if (!counter) {
              counter = metrics.clientHandled.labels({ grpc_service: children.service, grpc_method: children.name, grpc_code: grpc.status[status.code] ?? String(status.code) });
              children.byCode.set(status.code, counter);
            }
            counter.inc();
            nextStatus(status);
          },
        });
      },
    });
  };
}
