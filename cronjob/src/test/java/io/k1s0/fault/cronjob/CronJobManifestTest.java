package io.k1s0.fault.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CronJobManifestTest {

    private static CronJob cronJob;

    @BeforeAll
    static void read() {
        cronJob = Manifests.single(CronJob.class);
    }

    private static PodSpec pod() {
        return cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    }

    private static Container runner() {
        return pod().getContainers().get(0);
    }

    private static Map<String, EnvVar> env() {
        return runner().getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    @Test
    void itIsABatchV1CronJobWithNoUnknownFields() {
        assertThat(cronJob.getApiVersion()).as("apiVersion").isEqualTo("batch/v1");
        assertThat(UnknownFields.find(cronJob)).as("fields the batch/v1 CronJob model does not know").isEmpty();
        assertThat(cronJob.getMetadata().getName()).as("name").isEqualTo("fault-injection-weekly");
        assertThat(cronJob.getMetadata().getNamespace()).as("namespace").isEqualTo("k1s0-service");
    }

    @Test
    void aMisspelledFieldIsFoundAsUnknown() throws Exception {
        String yaml = Files.readString(ProjectFiles.manifestsDir().resolve("cronjob.yaml"))
                .replace("backoffLimit: 0", "backofLimit: 0");
        CronJob misspelled = Manifests.SERIALIZATION.unmarshal(yaml, CronJob.class);
        assertThat(UnknownFields.find(misspelled)).as("unknown fields after misspelling backoffLimit")
                .containsExactly(".spec.jobTemplate.spec.backofLimit");
    }

    @Test
    void itRunsMondaysAtTenTokyoTimeAndNeverOverlapsOrCatchesUp() {
        CronJobSpec spec = cronJob.getSpec();
        assertThat(spec.getSchedule()).as("schedule").isEqualTo("0 10 * * 1");
        assertThat(spec.getTimeZone()).as("timeZone").isEqualTo("Asia/Tokyo");
        assertThat(spec.getConcurrencyPolicy()).as("concurrencyPolicy").isEqualTo("Forbid");
        assertThat(spec.getStartingDeadlineSeconds()).as("startingDeadlineSeconds").isEqualTo(600L);
        assertThat(spec.getSuspend()).as("suspend").isFalse();
        assertThat(spec.getSuccessfulJobsHistoryLimit()).as("successfulJobsHistoryLimit").isEqualTo(4);
        assertThat(spec.getFailedJobsHistoryLimit()).as("failedJobsHistoryLimit").isEqualTo(4);
    }

    @Test
    void theJobNeverRetriesAndIsBoundedInTime() {
        JobSpec job = cronJob.getSpec().getJobTemplate().getSpec();
        assertThat(job.getBackoffLimit()).as("backoffLimit").isZero();
        assertThat(job.getActiveDeadlineSeconds()).as("activeDeadlineSeconds (5+30+5 min of phases plus slack)")
                .isBetween(40L * 60, 55L * 60);
        assertThat(job.getTtlSecondsAfterFinished()).as("ttlSecondsAfterFinished (drives ownerRef GC)").isBetween(600, 86_400);
        assertThat(pod().getRestartPolicy()).as("restartPolicy").isEqualTo("Never");
        assertThat(pod().getTerminationGracePeriodSeconds()).as("terminationGracePeriodSeconds for cleanup").isEqualTo(60L);
    }

    @Test
    void thePodUsesNativeSidecarsAndItsOwnServiceAccount() {
        assertThat(cronJob.getSpec().getJobTemplate().getSpec().getTemplate().getMetadata().getAnnotations())
                .as("pod annotations").containsEntry("sidecar.istio.io/nativeSidecar", "true")
                .doesNotContainKey("sidecar.istio.io/inject");
        assertThat(pod().getServiceAccountName()).as("serviceAccountName").isEqualTo("fault-injection-runner");
        assertThat(pod().getContainers()).as("containers (the istio-proxy sidecar is injected, not declared)").hasSize(1);
    }

    @Test
    void theRunnerRunsTheWeeklyExperimentInTheCluster() {
        assertThat(runner().getArgs()).as("args")
                .containsExactly("run", "--experiment", "/config/weekly.yaml", "--environment", "cluster");
        assertThat(runner().getCommand()).as("command (the image's entrypoint is kept)").isEmpty();
    }

    @Test
    void theImageAndPullSecretAreValuesForHarbor() {
        assertThat(runner().getImage()).as("logical image name rewritten by kustomize").isEqualTo("fault-runner");
        assertThat(pod().getImagePullSecrets()).as("imagePullSecrets").extracting("name").containsExactly("harbor-pull-secret");
        var images = Manifests.kustomization().path("images");
        assertThat(images).as("kustomization images").hasSize(1);
        assertThat(images.get(0).path("name").asText()).as("images[0].name matches the container image").isEqualTo(runner().getImage());
        assertThat(images.get(0).path("newName").asText()).as("images[0].newName")
                .isEqualTo("harbor.internal.example.com/k1s0-infra/fault-runner");
        assertThat(images.get(0).path("newTag").asText()).as("images[0].newTag").isNotBlank();
    }

    @Test
    void secretsComeFromSecretReferencesNeverFromLiterals() {
        EnvVar token = env().get("GRAFANA_TOKEN");
        assertThat(token.getValue()).as("GRAFANA_TOKEN literal value").isNull();
        assertThat(token.getValueFrom().getSecretKeyRef().getName()).as("GRAFANA_TOKEN secret").isEqualTo("fault-runner-grafana");
        assertThat(token.getValueFrom().getSecretKeyRef().getKey()).as("GRAFANA_TOKEN secret key").isEqualTo("token");
        Volume teams = pod().getVolumes().stream().filter(v -> v.getName().equals("teams-webhook")).findFirst().orElseThrow();
        assertThat(teams.getSecret().getSecretName()).as("Teams webhook secret").isEqualTo("fault-runner-teams");
        assertThat(teams.getSecret().getItems()).as("Teams webhook secret items").extracting("key").containsExactly("webhook-url");
    }

    @Test
    void tmpAndReportsAreWritableEmptyDirsAndConfigIsReadOnly() {
        Map<String, VolumeMount> mounts = runner().getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, m -> m));
        Map<String, Volume> volumes = pod().getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        for (String writable : new String[] {"/tmp", "/reports"}) {
            VolumeMount mount = mounts.get(writable);
            assertThat(mount).as("mount at %s", writable).isNotNull();
            assertThat(volumes.get(mount.getName()).getEmptyDir()).as("%s is an emptyDir", writable).isNotNull();
            assertThat(mount.getReadOnly()).as("%s read-only flag", writable).isNotEqualTo(Boolean.TRUE);
        }
        assertThat(mounts.get("/config").getReadOnly()).as("/config is read-only").isTrue();
        assertThat(mounts.get("/var/run/secrets/fault-runner/teams").getReadOnly()).as("Teams secret mount is read-only").isTrue();
    }

    @Test
    void theJobIdentityComesFromTheDownwardApi() {
        assertThat(env().get("JOB_UID").getValueFrom().getFieldRef().getFieldPath()).as("JOB_UID source")
                .isEqualTo("metadata.labels['batch.kubernetes.io/controller-uid']");
        assertThat(env().get("JOB_NAME").getValueFrom().getFieldRef().getFieldPath()).as("JOB_NAME source")
                .isEqualTo("metadata.labels['batch.kubernetes.io/job-name']");
    }

    @Test
    void memoryIsBounded() {
        assertThat(runner().getResources().getLimits()).as("resource limits").containsKeys("memory", "cpu");
        assertThat(runner().getResources().getRequests()).as("resource requests").containsKeys("memory", "cpu");
    }
}
