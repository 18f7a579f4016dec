package io.k1s0.fault.traffic;

/** A probe gate's deadline passed before enough responses matched; {@link #result()} says what was seen. */
public final class ProbeTimeoutException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ProbeResult result;

    ProbeTimeoutException(String message, ProbeResult result, Throwable cause) {
        super(message, cause);
        this.result = result;
    }

    public ProbeResult result() {
        return result;
    }
}
