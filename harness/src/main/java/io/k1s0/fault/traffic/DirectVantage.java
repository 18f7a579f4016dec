package io.k1s0.fault.traffic;

/** Requests go straight to the target. */
final class DirectVantage implements Vantage {

    static final DirectVantage INSTANCE = new DirectVantage();

    private DirectVantage() {
    }

    @Override
    public String toString() {
        return "direct";
    }
}
