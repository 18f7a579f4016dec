package io.k1s0.fault.localmesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.istio.api.api.networking.v1alpha3.HTTPRetry;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.MultiMap;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private static RetryPolicy policy(String yaml) {
        // A leading document marker keeps flow-style YAML from being read as JSON.
        return RetryPolicy.of(Serialization.unmarshal("--- " + yaml, HTTPRetry.class));
    }

    @Test
    void absentRetriesGiveIstio124DefaultWithout503() {
        RetryPolicy p = RetryPolicy.of(null);

        assertThat(p.numRetries()).isEqualTo(2);
        assertThat(p.retryOn()).containsExactlyInAnyOrder("connect-failure", "refused-stream", "unavailable", "cancelled", "retriable-status-codes");
        assertThat(p.retriableStatusCodes()).as("EXCLUDE_UNSAFE_503_FROM_DEFAULT_RETRY=true").isEmpty();
        assertThat(p.previousHosts()).isTrue();
        assertThat(p.retriesResponse(503, MultiMap.caseInsensitiveMultiMap())).isFalse();
    }

    @Test
    void attemptsWithoutRetryOnKeepTheDefaultConditions() {
        RetryPolicy p = policy("{attempts: 5, perTryTimeout: 2s}");

        assertThat(p.numRetries()).isEqualTo(5);
        assertThat(p.retryOn()).contains("connect-failure", "refused-stream");
        assertThat(p.perTryTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void numericTokensBecomeRetriableStatusCodes() {
        RetryPolicy p = policy("{attempts: 1, retryOn: \"gateway-error, 429 ,connect-failure\"}");

        assertThat(p.retryOn()).containsExactlyInAnyOrder("gateway-error", "retriable-status-codes", "connect-failure");
        assertThat(p.retriableStatusCodes()).containsExactly(429);
    }

    @Test
    void retryIgnorePreviousHostsFalseDropsThePreviousHostsPredicate() {
        assertThat(policy("{attempts: 1, retryIgnorePreviousHosts: false}").previousHosts()).isFalse();
        assertThat(policy("{attempts: 1}").previousHosts()).isTrue();
    }

    @Test
    void attemptsOmittedOrZeroMeansNoRetryPolicy() {
        assertThat(policy("{retryOn: 5xx}").enabled()).isFalse();
        assertThat(policy("{attempts: 0, retryOn: 5xx}")).isEqualTo(RetryPolicy.NONE);
    }

    @Test
    void unknownRetryOnTokenIsAClearError() {
        assertThatThrownBy(() -> policy("{attempts: 1, retryOn: \"5xx,sometimes\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retries.retryOn = '5xx,sometimes'")
                .hasMessageContaining("'sometimes'")
                .hasMessageContaining("gateway-error");
    }

    @Test
    void perTryTimeoutRetriedOnlyWithFiveXxOrGatewayError() {
        assertThat(policy("{attempts: 1, retryOn: 5xx}").retriesPerTryTimeout()).isTrue();
        assertThat(policy("{attempts: 1, retryOn: gateway-error}").retriesPerTryTimeout()).isTrue();
        assertThat(policy("{attempts: 1, retryOn: \"reset,connect-failure,504\"}").retriesPerTryTimeout()).isFalse();
    }

    @Test
    void connectFailureIsRetriedByResetBeforeRequestButTerminationIsNot() {
        RetryPolicy p = policy("{attempts: 1, retryOn: reset-before-request}");

        assertThat(p.retriesReset(RetryPolicy.Reset.CONNECT_FAILURE)).isTrue();
        assertThat(p.retriesReset(RetryPolicy.Reset.CONNECTION_TERMINATION)).isFalse();
    }
}
