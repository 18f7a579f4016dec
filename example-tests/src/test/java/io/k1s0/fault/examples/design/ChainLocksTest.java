package io.k1s0.fault.examples.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.k1s0.fault.junit.MeshFaultExtension;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLocksProvider;

/**
 * The classes' {@code @ResourceLock(Chain.LOCK_…)} keys only keep them apart from tests that fault the same host if
 * they equal the keys the harness derives from {@code @AbortFault}/{@code @DelayFault}. No mesh is started.
 */
@DisplayName("Parallel classes — the design tests' host locks are the harness's faulted-host locks")
class ChainLocksTest {

    @Test
    @DisplayName("a test faulting order-server, accounting-server and auth-server holds Chain's locks for those hosts")
    void faultsOnTheChainsHostsTakeChainsLocks() {
        assertThat(lockKeys(TierSloUnderWeeklyFaultsTest.class, "tierSlosUnderTheWeeklyFaults"))
                .containsExactlyInAnyOrder(Chain.LOCK_ORDER_SERVER, Chain.LOCK_ACCOUNTING, Chain.LOCK_AUTH);
    }

    @Test
    @DisplayName("a test faulting order-bff holds Chain's lock for order-bff")
    void aFaultOnOrderBffTakesChainsLock() {
        assertThat(lockKeys(WeeklyFaultOneHopOutTest.class, "anAbortOnTheSameHopIsNotRetried")).containsExactly(Chain.LOCK_ORDER_BFF);
    }

    @Test
    @DisplayName("the CPU lock sorts before every host lock, so a class waiting for the CPU holds no host")
    void theCpuLockIsAcquiredFirst() {
        assertThat(List.of(Chain.LOCK_ORDER_SERVER, Chain.LOCK_ORDER_BFF, Chain.LOCK_ACCOUNTING, Chain.LOCK_AUTH))
                .allSatisfy(host -> assertThat(Chain.LOCK_CPU).as("JUnit acquires locks in key order").isLessThan(host));
    }

    private static List<String> lockKeys(Class<?> testClass, String methodName) {
        Method method = Arrays.stream(testClass.getDeclaredMethods()).filter(m -> m.getName().equals(methodName)).findFirst()
                .orElseThrow();
        return new MeshFaultExtension.FaultedHosts().provideForMethod(List.of(), testClass, method).stream()
                .map(ResourceLocksProvider.Lock::getKey).toList();
    }
}
