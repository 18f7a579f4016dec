package io.k1s0.fault.traffic;

import java.time.Duration;

/**
 * One second of one phase, by response completion time.
 *
 * @param second   whole seconds since the run started
 * @param phase    phase name
 * @param count    requests that finished in this second (responses and transport errors)
 * @param errors   of those, transport errors plus 5xx responses
 * @param p99      99th percentile latency (from intended send time) of those finished in this second;
 *                 zero when none finished
 */
public record SecondSample(long second, String phase, long count, long errors, Duration p99) {
}
