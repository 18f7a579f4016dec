package io.k1s0.fault.traffic;

import io.vertx.core.http.HttpClosedException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Why a request got no HTTP response. */
public enum TransportError {
    /** The target (or proxy) refused the TCP connection. */
    CONNECTION_REFUSED,
    /** The peer reset the connection (TCP RST) before the response was complete. */
    CONNECTION_RESET,
    /** The peer closed the connection cleanly before the response was complete. */
    CONNECTION_CLOSED,
    /** No connection could be obtained in time (TCP connect or waiting for a pooled connection). */
    CONNECT_TIMEOUT,
    /** The connection went idle longer than the request timeout while waiting for the response. */
    RESPONSE_TIMEOUT,
    /** The host name did not resolve. */
    UNKNOWN_HOST,
    /** Anything else; the log has the exception. */
    OTHER;

    /** Which step of an exchange failed: getting a connection, or getting the response on it. */
    enum Stage { CONNECT, RESPONSE }

    static TransportError classify(Stage stage, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof UnknownHostException) {
                return UNKNOWN_HOST;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return message.contains("timed out") ? CONNECT_TIMEOUT : CONNECTION_REFUSED;
            }
            if (message.contains("connection reset")) {
                return CONNECTION_RESET;
            }
            if (t instanceof HttpClosedException || t.getClass().getSimpleName().equals("NoHttpResponseException")) {
                return CONNECTION_CLOSED;
            }
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException
                    || t.getClass().getSimpleName().contains("TimeoutException")) {
                return stage == Stage.CONNECT ? CONNECT_TIMEOUT : RESPONSE_TIMEOUT;
            }
        }
        return OTHER;
    }
}
