package io.k1s0.fault.traffic;

/** Requests go to an HTTP forward proxy with an absolute-form request target. */
record ProxyVantage(String host, int port) implements Vantage {

    @Override
    public String toString() {
        return "via proxy http://" + host + ":" + port;
    }
}
