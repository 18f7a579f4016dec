package io.k1s0.fault.istio;

import java.util.regex.Pattern;

/** The label, annotations and name prefix that mark what a fault run put into a VirtualService. */
final class FaultMarkers {

    static final String RUN_ID_LABEL = "fault.k1s0.io/run-id";
    static final String EXPIRES_AT = "fault.k1s0.io/expires-at";
    static final String OWNER = "fault.k1s0.io/owner";
    /** Set on a VirtualService the harness created because the host had none. */
    static final String DEDICATED = "fault.k1s0.io/dedicated";

    private static final Pattern RUN_ID = Pattern.compile("[a-z0-9]([-a-z0-9]{0,18}[a-z0-9])?");

    private FaultMarkers() {
    }

    static String prefix(String runId) {
        return "fh-" + runId + "-";
    }

    static String checkRunId(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("runId: '" + runId
                    + "' is not allowed; allowed: 1-20 characters of a-z, 0-9 and '-', starting and ending alphanumeric");
        }
        return runId;
    }
}
