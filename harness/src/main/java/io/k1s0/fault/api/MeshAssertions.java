package io.k1s0.fault.api;

import io.k1s0.fault.verdict.FaultWindow;
import io.k1s0.fault.verdict.FaultWindowAssert;
import io.k1s0.fault.verdict.Ratio;
import java.time.Duration;
import org.assertj.core.annotation.CheckReturnValue;

/**
 * The one static import a test author needs for verdicts:
 *
 * <pre>{@code
 * import static io.k1s0.fault.api.MeshAssertions.*;
 *
 * assertThat(window).abortFraction().isConsistentWith(percent(5));
 * assertThat(window).errorRate().excludingInjected().isBelow(percent(1));
 * assertThat(window).p99().isBelow(millis(500));
 * }</pre>
 *
 * A failed verdict throws {@link org.opentest4j.AssertionFailedError}; too few samples aborts the test
 * ({@link org.opentest4j.TestAbortedException}) with the request count needed, so it is reported as
 * skipped, never passed.
 */
@CheckReturnValue
public final class MeshAssertions {

    private MeshAssertions() {}

    /** Verdicts on a fault window's result. */
    public static FaultWindowAssert assertThat(FaultWindow window) {
        return io.k1s0.fault.verdict.MeshAssertions.assertThat(window);
    }

    /** Verdicts on the window's {@link MeshWindow#result()} (closing it if still open). */
    public static FaultWindowAssert assertThat(MeshWindow window) {
        return io.k1s0.fault.verdict.MeshAssertions.assertThat(window.result());
    }

    /** {@code percent(5)}: 5 %, allowed 0–100. */
    public static Ratio percent(double percent) {
        return io.k1s0.fault.verdict.MeshAssertions.percent(percent);
    }

    /** {@code millis(500)}: a latency threshold, 0 or more. */
    public static Duration millis(long millis) {
        return io.k1s0.fault.verdict.MeshAssertions.millis(millis);
    }
}
