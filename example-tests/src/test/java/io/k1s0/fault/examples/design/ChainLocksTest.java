package io.k1s0.fault.examples.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.junit.MeshFaultExtension;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;

/**
 * The classes' {@code @ResourceLock(Chain.LOCK_…)} keys only keep them apart from tests that fault the same host if
 * they equal the keys the harness derives from {@code @AbortFault}/{@code @DelayFault}. No mesh is started.
 */
@DisplayName("Parallel classes — the host locks of the design tests are the harness's faulted-host locks")
class ChainLocksTest {

    @Test
    @DisplayName("a test faulting order-server, accounting-server and auth-server holds Chain's locks for those hosts")
    void faultsOnTheChainsHostsTakeChainsLocks() throws Exception {
        assertThat(lockKeys(TierSloUnderWeeklyFaultsTest.class, "tierSlosUnderTheWeeklyFaults"))
                .containsExactlyInAnyOrder(Chain.LOCK_ORDER_SERVER, Chain.LOCK_ACCOUNTING, Chain.LOCK_AUTH);
    }

    @Test
    @DisplayName("a test faulting order-bff holds Chain's lock for order-bff")
    void aFaultOnOrderBffTakesChainsLock() throws Exception {
        assertThat(lockKeys(WeeklyFaultOneHopOutTest.class, "anAbortOnTheSameHopIsNotRetried")).containsExactly(Chain.LOCK_ORDER_BFF);
    }

    private static List<String> lockKeys(Class<?> testClass, String method) throws Exception {
        var m = testClass.getDeclaredMethods();
        var testMethod = java.util.Arrays.stream(m).filter(x -> x.getName().equals(method)).findFirst().orElseThrow();
        return new MeshFaultExtension.FaultedHosts().provideForMethod(List.of(), testClass, testMethod).stream()
                .map(ResourceLocksProvider.Lock::getKey).collect(Collectors.toList());
    }
}
