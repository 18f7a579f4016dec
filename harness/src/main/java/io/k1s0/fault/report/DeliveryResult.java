package io.k1s0.fault.report;

/**
 * The outcome of one delivery (Pushgateway push, Grafana annotation, Teams post). A failure is a value, never an
 * exception, so it can be reported without disturbing cleanup. {@code status} is the last HTTP status, 0 when no
 * response arrived; {@code message} is already redacted.
 */
public record DeliveryResult(String target, boolean ok, int status, int attempts, String message, String body) {

    static DeliveryResult ok(String target, int status, int attempts, String body) {
        return new DeliveryResult(target, true, status, attempts, "HTTP " + status, body);
    }

    static DeliveryResult failed(String target, int status, int attempts, String message) {
        return new DeliveryResult(target, false, status, attempts, message, null);
    }
}
