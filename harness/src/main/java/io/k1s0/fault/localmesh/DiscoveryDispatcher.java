package io.k1s0.fault.localmesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.CustomResourceAware;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CRUD dispatcher plus the discovery documents kubectl needs before it sends anything ({@code /version},
 * {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>/<version>}), which the mock serves none of.
 * OpenAPI is answered 404, so {@code kubectl apply} needs {@code --validate=false}. JSON merge patches are
 * applied here by the RFC, which the mock gets wrong for lists.
 */
final class DiscoveryDispatcher extends Dispatcher implements CustomResourceAware {
    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    /** The built-in resources the local mesh holds, as (plural, kind, namespaced, short names). */
    private record Builtin(String plural, String kind, boolean namespaced, List<String> shortNames) {}

    private static final List<Builtin> CORE = List.of(
            new Builtin("namespaces", "Namespace", false, List.of("ns")),
            new Builtin("pods", "Pod", true, List.of("po")),
            new Builtin("services", "Service", true, List.of("svc")),
            new Builtin("endpoints", "Endpoints", true, List.of("ep")),
            new Builtin("events", "Event", true, List.of("ev")),
            new Builtin("configmaps", "ConfigMap", true, List.of("cm")));

    private static final Map<String, List<String>> SHORT_NAMES = Map.of(
            "virtualservices", List.of("vs"), "destinationrules", List.of("dr"), "gateways", List.of("gw"),
            "serviceentries", List.of("se"), "peerauthentications", List.of("pa"), "canaries", List.of());

    private static final String MERGE_PATCH = "application/merge-patch+json";
    private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    private static final String NOT_FOUND = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404,"
            + "\"message\":\"the local mesh serves no OpenAPI schema; use kubectl apply --validate=false\"}";

    private final KubernetesCrudDispatcher crud;
    // Built at the first discovery request: only kubectl and generic clients ask. Serializing the documents was
    // 0.1 s of CPU on the API's start thread in a cold start's profile, which the mesh's typed clients never need.
    private volatile Map<String, String> documents;

    DiscoveryDispatcher(KubernetesCrudDispatcher crud) {
        this.crud = crud;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        int query = path.indexOf('?');
        String bare = query < 0 ? path : path.substring(0, query);
        if ("GET".equals(request.getMethod())) {
            String document = isDiscoveryPath(bare) ? documents().get(bare) : null;
            if (document != null) {
                return json(200, document);
            }
            if (bare.startsWith("/openapi/")) {
                return json(404, NOT_FOUND);
            }
        }
        String contentType = request.getHeader("Content-Type");
        if ("PATCH".equals(request.getMethod()) && contentType != null
                && (contentType.startsWith(MERGE_PATCH) || contentType.startsWith(STRATEGIC_MERGE_PATCH))) {
            return mergePatch(request, bare, contentType.startsWith(STRATEGIC_MERGE_PATCH));
        }
        return crud.dispatch(request);
    }

    /**
     * JSON merge patch (RFC 7386), which kubectl apply and edit send for custom resources: the mock's own merge
     * appends to lists where the RFC replaces them, so a route list would grow instead of being replaced.
     */
    private MockResponse mergePatch(RecordedRequest request, String path, boolean strategic) {
        MockResponse current = crud.handleGet(path);
        if (current.code() != 200) {
            return current;
        }
        JsonNode patched;
        try {
            JsonNode live = Serialization.jsonMapper().readTree(current.getBody().readUtf8());
            JsonNode patch = Serialization.jsonMapper().readTree(request.getUtf8Body());
            patched = strategic ? strategicMerge(live, patch) : merge(live, patch);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return json(400, Serialization.asJson(Map.of("kind", "Status", "apiVersion", "v1", "status", "Failure", "reason", "BadRequest",
                    "code", 400, "message", "the merge patch is not valid JSON: " + e.getOriginalMessage())));
        }
        io.fabric8.mockwebserver.http.Buffer body = new io.fabric8.mockwebserver.http.Buffer().writeUtf8(patched.toString());
        return crud.handleUpdate(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, path, request.getHeaders(), body));
    }

    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : JsonNodeFactory.instance.objectNode();
        patch.fields().forEachRemaining(f -> {
            if (f.getValue().isNull()) {
                result.remove(f.getKey());
            } else {
                result.set(f.getKey(), merge(result.get(f.getKey()), f.getValue()));
            }
        });
        return result;
    }

    /**
     * Strategic merge patch (kubectl edit/apply/label on built-in kinds), approximated: objects merge as in RFC 7386,
     * lists of objects merge element-wise by the usual merge keys ({@code containerPort}, {@code port}, {@code name},
     * {@code ip}; {@code $patch: delete} removes an element), other lists are replaced, {@code $}-directives are dropped.
     */
    static JsonNode strategicMerge(JsonNode target, JsonNode patch) {
        if (patch.isArray() && target != null && target.isArray() && isKeyed(patch)) {
            com.fasterxml.jackson.databind.node.ArrayNode result = ((com.fasterxml.jackson.databind.node.ArrayNode) target).deepCopy();
            for (JsonNode element : patch) {
                String key = MERGE_KEYS.stream().filter(element::has).findFirst().orElseThrow();
                int at = indexOf(result, key, element.get(key));
                if ("delete".equals(element.path("$patch").asText())) {
                    if (at >= 0) {
                        result.remove(at);
                    }
                } else if (at >= 0) {
                    result.set(at, strategicMerge(result.get(at), element));
                } else {
                    result.add(strategicMerge(null, element));
                }
            }
            return result;
        }
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? (ObjectNode) target : JsonNodeFactory.instance.objectNode();
        patch.fields().forEachRemaining(f -> {
            if (f.getKey().startsWith("$")) {
                return;
            }
            if (f.getValue().isNull()) {
                result.remove(f.getKey());
            } else {
                result.set(f.getKey(), strategicMerge(result.get(f.getKey()), f.getValue()));
            }
        });
        return result;
    }

    // in order of precedence: ServicePort and ContainerPort merge by port even though they also have a name
    private static final List<String> MERGE_KEYS = List.of("containerPort", "port", "name", "ip");

    private static boolean isKeyed(JsonNode list) {
        for (JsonNode e : list) {
            if (!e.isObject() || MERGE_KEYS.stream().noneMatch(e::has)) {
                return false;
            }
        }
        return !list.isEmpty();
    }

    private static int indexOf(JsonNode list, String key, JsonNode value) {
        for (int i = 0; i < list.size(); i++) {
            if (value.equals(list.get(i).get(key))) {
                return i;
            }
        }
        return -1;
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(body);
    }

    @Override
    public void expectCustomResource(CustomResourceDefinitionContext context) {
        crud.expectCustomResource(context);
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }

    /** Where discovery lives: {@code /version}, {@code /api}, {@code /api/v1}, {@code /apis}, {@code /apis/<group>/<version>}. */
    static boolean isDiscoveryPath(String path) {
        if (path.equals("/version") || path.equals("/api") || path.equals("/api/v1") || path.equals("/apis")) {
            return true;
        }
        // /apis/<group>/<version> has three slashes; a resource path has more
        return path.startsWith("/apis/") && !path.endsWith("/") && path.chars().filter(c -> c == '/').count() == 3;
    }

    private Map<String, String> documents() {
        Map<String, String> built = documents;
        if (built == null) {
            synchronized (this) {
                if (documents == null) {
                    documents = buildDocuments();
                }
                built = documents;
            }
        }
        return built;
    }

    static Map<String, String> buildDocuments() {
        Map<String, String> docs = new LinkedHashMap<>();
        docs.put("/version", Serialization.asJson(Map.of("major", "1", "minor", "31", "gitVersion", "v1.31.0-local-mesh", "platform", "linux/amd64")));
        docs.put("/api", Serialization.asJson(new APIVersionsBuilder().withKind("APIVersions").withVersions("v1").build()));
        docs.put("/api/v1", resourceList("v1", CORE.stream().map(b -> resource(b.plural(), b.kind(), b.namespaced(), b.shortNames())).toList()));

        Map<String, APIGroup> groups = new LinkedHashMap<>();
        groups.put("apiextensions.k8s.io", group("apiextensions.k8s.io", List.of("v1"), "v1"));
        docs.put("/apis/apiextensions.k8s.io/v1", resourceList("apiextensions.k8s.io/v1",
                List.of(resource("customresourcedefinitions", "CustomResourceDefinition", false, List.of("crd", "crds")))));
        Map<String, List<IstioCrds.Kind>> byGroup = new LinkedHashMap<>();
        IstioCrds.ALL.forEach(k -> byGroup.computeIfAbsent(k.group(), g -> new ArrayList<>()).add(k));
        byGroup.forEach((group, kinds) -> {
            List<String> versions = kinds.get(0).versions();
            // kubectl prefers the group's preferredVersion; Istio 1.24 prefers v1 where it is served
            String preferred = versions.contains("v1") ? "v1" : versions.get(0);
            groups.put(group, group(group, versions, preferred));
            for (String version : versions) {
                List<APIResource> resources = kinds.stream().filter(k -> k.versions().contains(version))
                        .map(k -> resource(k.plural(), k.kind(), true, SHORT_NAMES.getOrDefault(k.plural(), List.of()))).toList();
                docs.put("/apis/" + group + "/" + version, resourceList(group + "/" + version, resources));
            }
        });
        docs.put("/apis", Serialization.asJson(new APIGroupListBuilder().withKind("APIGroupList").withApiVersion("v1")
                .withGroups(new ArrayList<>(groups.values())).build()));
        return Map.copyOf(docs);
    }

    private static APIGroup group(String name, List<String> versions, String preferred) {
        List<GroupVersionForDiscovery> gvs = versions.stream().map(v -> new GroupVersionForDiscovery(name + "/" + v, v)).toList();
        return new APIGroupBuilder().withName(name).withVersions(gvs)
                .withPreferredVersion(new GroupVersionForDiscovery(name + "/" + preferred, preferred)).build();
    }

    private static APIResource resource(String plural, String kind, boolean namespaced, List<String> shortNames) {
        return new APIResourceBuilder().withName(plural).withSingularName(kind.toLowerCase(Locale.ROOT)).withKind(kind)
                .withNamespaced(namespaced).withVerbs(VERBS).withShortNames(shortNames).build();
    }

    private static String resourceList(String groupVersion, List<APIResource> resources) {
        return Serialization.asJson(new APIResourceListBuilder().withKind("APIResourceList").withApiVersion("v1")
                .withGroupVersion(groupVersion).withResources(resources).build());
    }
}
