package dev.breakwater.cache.table;

import com.fasterxml.jackson.databind.JsonNode;
import dev.breakwater.cache.codec.AnnotationEdit;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Ports of the apiserver's built-in printers ({@code pkg/printers/internalversion/printers.go},
 * kubernetes v1.36.3) for the resources people list most. Column definitions are the
 * apiserver's own (captured from 1.36.3, see {@link Column#resource}); cells are computed from
 * the stored v1 object as the printers compute them from the internal object (absent fields are
 * Go zero values; the apiserver stores objects defaulted). Only the resources listed in
 * {@link #lookup} have a convertor; every other resource's Tables go upstream. Printers change
 * between minor releases, so they serve only an upstream of the minor they were ported from
 * ({@link #portedFrom}).
 */
public final class BuiltInTableConvertors {

  private BuiltInTableConvertors() {}

  /** The kube-apiserver minor release the printers and column definitions were ported from. */
  public static final String PORTED_FROM = "1.36";

  /**
   * Whether an apiserver whose {@code /version} says {@code major}/{@code minor} prints as these
   * ports do: the same minor. Vendors' {@code minor} values such as {@code "36+"} count by their
   * digits; anything else (empty, unparsable) does not match.
   */
  public static boolean portedFrom(String major, String minor) {
    if (major == null || minor == null) {
      return false;
    }
    String m = minor.endsWith("+") ? minor.substring(0, minor.length() - 1) : minor;
    return (major + "." + m).equals(PORTED_FROM);
  }

  /** A ported printer; {@code metadata}: the conversion's edit of PartialObjectMetadata, null for none; {@code bookmarkTail}: the kind's zero-value fields a converted bookmark gains (see {@link #withZeroValues}). */
  private record Printer(List<Column> columns, java.util.function.Function<JsonNode, List<Object>> row,
      java.util.function.UnaryOperator<byte[]> metadata, String bookmarkTail, boolean daemonSet) implements TableConvertor {
    Printer(List<Column> columns, java.util.function.Function<JsonNode, List<Object>> row, java.util.function.UnaryOperator<byte[]> metadata,
        String bookmarkTail) {
      this(columns, row, metadata, bookmarkTail, false);
    }

    Printer withBookmarkTail(String tail) {
      return new Printer(columns, row, metadata, tail, daemonSet);
    }

    Printer withDaemonSetGeneration() {
      return new Printer(columns, row, metadata, bookmarkTail, true);
    }

    @Override
    public byte[] bookmarkObject(byte[] json) {
      return withZeroValues(json, bookmarkTail, daemonSet);
    }

    @Override
    public List<Object> cells(JsonNode object) {
      return row.apply(object);
    }

    @Override
    public byte[] partialObjectMetadata(byte[] json) {
      return metadata == null ? json : metadata.apply(json);
    }

    @Override
    public boolean editsPartialObjectMetadata() {
      return metadata != null;
    }
  }

  private static final Map<String, TableConvertor> PRINTERS = Map.ofEntries(
      Map.entry("configmaps", printer("configmaps", BuiltInTableConvertors::configMap)),
      Map.entry("secrets", printer("secrets", BuiltInTableConvertors::secret)),
      Map.entry("namespaces", printer("namespaces", BuiltInTableConvertors::namespace).withBookmarkTail(",\"spec\":{},\"status\":{}")),
      Map.entry("leases.coordination.k8s.io", printer("leases.coordination.k8s.io", BuiltInTableConvertors::lease)
          .withBookmarkTail(",\"spec\":{}")),
      Map.entry("services", printer("services", BuiltInTableConvertors::service)
          .withBookmarkTail(",\"spec\":{},\"status\":{\"loadBalancer\":{}}")),
      Map.entry("jobs.batch", printer("jobs.batch", BuiltInTableConvertors::job)
          .withBookmarkTail(",\"spec\":{\"template\":{\"metadata\":{},\"spec\":{\"containers\":null}}},\"status\":{}")),
      Map.entry("events", printer("events", BuiltInTableConvertors::event).withBookmarkTail(",\"involvedObject\":{},\"source\":{},"
          + "\"firstTimestamp\":null,\"lastTimestamp\":null,\"eventTime\":null,\"reportingComponent\":\"\",\"reportingInstance\":\"\"")),
      // Convert_v1_Deployment_To_apps_Deployment moves a non-empty rollback annotation into spec.rollbackTo.
      Map.entry("deployments.apps", new Printer(Column.resource("deployments.apps"), BuiltInTableConvertors::deployment,
          json -> AnnotationEdit.without(json, "deprecated.deployment.rollback.to", v -> !v.isEmpty() && isInt64(v)), "")
          .withBookmarkTail(",\"spec\":{\"replicas\":0,\"selector\":null,\"template\":{\"metadata\":{},\"spec\":{\"containers\":null}},"
              + "\"strategy\":{}},\"status\":{}")),
      Map.entry("replicasets.apps", printer("replicasets.apps", BuiltInTableConvertors::replicaSet)
          .withBookmarkTail(",\"spec\":{\"replicas\":0,\"selector\":null,\"template\":{\"metadata\":{},\"spec\":{\"containers\":null}}},"
              + "\"status\":{\"replicas\":0}")),
      Map.entry("statefulsets.apps", printer("statefulsets.apps", BuiltInTableConvertors::statefulSet)
          .withBookmarkTail(",\"spec\":{\"replicas\":0,\"selector\":null,\"template\":{\"metadata\":{},\"spec\":{\"containers\":null}},"
              + "\"serviceName\":\"\",\"updateStrategy\":{}},\"status\":{\"replicas\":0,\"availableReplicas\":0}")),
      Map.entry("pods", new PodTableConvertor()),
      Map.entry("nodes", printer("nodes", BuiltInTableConvertors::node).withBookmarkTail(",\"spec\":{},\"status\":{\"daemonEndpoints\":"
          + "{\"kubeletEndpoint\":{\"Port\":0}},\"nodeInfo\":{\"machineID\":\"\",\"systemUUID\":\"\",\"bootID\":\"\",\"kernelVersion\":\"\","
          + "\"osImage\":\"\",\"containerRuntimeVersion\":\"\",\"kubeletVersion\":\"\",\"kubeProxyVersion\":\"\",\"operatingSystem\":\"\","
          + "\"architecture\":\"\"}}")),
      // Convert_v1_DaemonSet_To_apps_DaemonSet moves the template generation annotation into spec.templateGeneration.
      Map.entry("daemonsets.apps", new Printer(Column.resource("daemonsets.apps"), BuiltInTableConvertors::daemonSet,
          json -> AnnotationEdit.without(json, "deprecated.daemonset.template.generation", BuiltInTableConvertors::isInt64), "")
          .withBookmarkTail(",\"spec\":{\"selector\":null,\"template\":{\"metadata\":{},\"spec\":{\"containers\":null}},\"updateStrategy\":{}},"
              + "\"status\":{\"currentNumberScheduled\":0,\"numberMisscheduled\":0,\"desiredNumberScheduled\":0,\"numberReady\":0}")
          .withDaemonSetGeneration()),
      Map.entry("endpointslices.discovery.k8s.io", printer("endpointslices.discovery.k8s.io", MorePrinters::endpointSlice)
          .withBookmarkTail(",\"addressType\":\"\",\"endpoints\":null,\"ports\":null")),
      Map.entry("endpoints", printer("endpoints", MorePrinters::endpoints)),
      Map.entry("ingresses.networking.k8s.io", printer("ingresses.networking.k8s.io", MorePrinters::ingress)
          .withBookmarkTail(",\"spec\":{},\"status\":{\"loadBalancer\":{}}")),
      Map.entry("persistentvolumeclaims", printer("persistentvolumeclaims", MorePrinters::persistentVolumeClaim)
          .withBookmarkTail(",\"spec\":{\"resources\":{}},\"status\":{}")),
      Map.entry("persistentvolumes", printer("persistentvolumes", MorePrinters::persistentVolume)
          .withBookmarkTail(",\"spec\":{},\"status\":{}")),
      Map.entry("storageclasses.storage.k8s.io", printer("storageclasses.storage.k8s.io", MorePrinters::storageClass)
          .withBookmarkTail(",\"provisioner\":\"\"")),
      Map.entry("serviceaccounts", printer("serviceaccounts", MorePrinters::serviceAccount)),
      // Roles, ClusterRoles and CRDs use the generic rest.NewDefaultTableConvertor: Name, Created At.
      Map.entry("roles.rbac.authorization.k8s.io", printer("roles.rbac.authorization.k8s.io", MorePrinters::nameCreatedAt)
          .withBookmarkTail(",\"rules\":null")),
      Map.entry("clusterroles.rbac.authorization.k8s.io", printer("clusterroles.rbac.authorization.k8s.io", MorePrinters::nameCreatedAt)
          .withBookmarkTail(",\"rules\":null")),
      Map.entry("rolebindings.rbac.authorization.k8s.io", printer("rolebindings.rbac.authorization.k8s.io", MorePrinters::roleBinding)
          .withBookmarkTail(",\"roleRef\":{\"apiGroup\":\"\",\"kind\":\"\",\"name\":\"\"}")),
      Map.entry("clusterrolebindings.rbac.authorization.k8s.io", printer("clusterrolebindings.rbac.authorization.k8s.io",
          MorePrinters::roleBinding).withBookmarkTail(",\"roleRef\":{\"apiGroup\":\"\",\"kind\":\"\",\"name\":\"\"}")),
      Map.entry("cronjobs.batch", printer("cronjobs.batch", MorePrinters::cronJob).withBookmarkTail(",\"spec\":{\"schedule\":\"\","
          + "\"jobTemplate\":{\"metadata\":{},\"spec\":{\"template\":{\"metadata\":{},\"spec\":{\"containers\":null}}}}},\"status\":{}")),
      Map.entry("horizontalpodautoscalers.autoscaling", printer("horizontalpodautoscalers.autoscaling", MorePrinters::horizontalPodAutoscaler)
          .withBookmarkTail(",\"spec\":{\"scaleTargetRef\":{\"kind\":\"\",\"name\":\"\"},\"maxReplicas\":0},"
              + "\"status\":{\"desiredReplicas\":0,\"currentMetrics\":null}")),
      Map.entry("networkpolicies.networking.k8s.io", printer("networkpolicies.networking.k8s.io", MorePrinters::networkPolicy)
          .withBookmarkTail(",\"spec\":{\"podSelector\":{}}")),
      Map.entry("poddisruptionbudgets.policy", printer("poddisruptionbudgets.policy", MorePrinters::podDisruptionBudget)
          .withBookmarkTail(",\"spec\":{},\"status\":{\"disruptionsAllowed\":0,\"currentHealthy\":0,\"desiredHealthy\":0,"
              + "\"expectedPods\":0}")),
      Map.entry("priorityclasses.scheduling.k8s.io", printer("priorityclasses.scheduling.k8s.io", MorePrinters::priorityClass)
          .withBookmarkTail(",\"value\":0")),
      Map.entry("customresourcedefinitions.apiextensions.k8s.io", printer("customresourcedefinitions.apiextensions.k8s.io",
          MorePrinters::nameCreatedAt).withBookmarkTail(",\"spec\":{\"group\":\"\",\"names\":{\"plural\":\"\",\"kind\":\"\"},"
              + "\"scope\":\"\",\"versions\":null},\"status\":{\"conditions\":null,\"acceptedNames\":{\"plural\":\"\",\"kind\":\"\"},"
              + "\"storedVersions\":null}")),
      // kube-aggregator's ConvertToTable ignores NoHeaders: every watch event carries the columns.
      Map.entry("apiservices.apiregistration.k8s.io", new EveryEventColumns(printer("apiservices.apiregistration.k8s.io",
          MorePrinters::apiService).withBookmarkTail(",\"spec\":{\"groupPriorityMinimum\":0,\"versionPriority\":0},\"status\":{}"))));

  /** The version each printer serves when it is not v1 (the one whose conversion to the internal type it follows). */
  private static final Map<String, String> VERSIONS = Map.of("horizontalpodautoscalers.autoscaling", "v2");

  /** {@code printer} with the column definitions in every watch event. */
  private record EveryEventColumns(Printer printer) implements TableConvertor {
    @Override
    public List<Column> columns() {
      return printer.columns();
    }

    @Override
    public List<Object> cells(JsonNode object) {
      return printer.cells(object);
    }

    @Override
    public byte[] bookmarkObject(byte[] json) {
      return printer.bookmarkObject(json);
    }

    @Override
    public boolean columnsInEveryEvent() {
      return true;
    }
  }

  /**
   * {@code json} (a bookmark as JsonWatchEncoder writes it, ending in its metadata) with the
   * kind's zero-value fields appended and, for DaemonSets, the template generation annotation
   * ({@code "0"}) that the conversion back from the internal type always writes (map keys sorted:
   * it comes first). Tails captured from kube-apiserver 1.36.3's bookmark rows.
   */
  static byte[] withZeroValues(byte[] json, String tail, boolean daemonSet) {
    String s = new String(json, java.nio.charset.StandardCharsets.UTF_8);
    if (daemonSet) {
      String generation = "\"deprecated.daemonset.template.generation\":\"0\"";
      s = s.contains("\"annotations\":{") ? s.replace("\"annotations\":{", "\"annotations\":{" + generation + ",")
          : s.substring(0, s.length() - 2) + ",\"annotations\":{" + generation + "}}}";
    }
    return (s.substring(0, s.length() - 1) + tail + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static boolean isInt64(String v) {
    try {
      Long.parseLong(v);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static Printer printer(String resource, java.util.function.Function<JsonNode, List<Object>> row) {
    return new Printer(Column.resource(resource), row, null, "");
  }

  /**
   * The convertor of a built-in resource ({@code configmaps}, {@code deployments.apps}: GroupResource
   * as it prints) at the version the apiserver serves it (v1, or v2 for horizontalpodautoscalers:
   * autoscaling/v1 carries its metrics in annotations), if ported.
   */
  public static Optional<TableConvertor> lookup(String groupResource, String version) {
    if (!version.equals(VERSIONS.getOrDefault(groupResource, "v1"))) {
      return Optional.empty();
    }
    return Optional.ofNullable(PRINTERS.get(groupResource));
  }

  // ---- printers ----

  static List<Object> configMap(JsonNode o) {
    return List.of(name(o), (long) (o.path("data").size() + o.path("binaryData").size()), age(o));
  }

  static List<Object> secret(JsonNode o) {
    return List.of(name(o), str(o.path("type")), (long) o.path("data").size(), age(o));
  }

  static List<Object> namespace(JsonNode o) {
    return List.of(name(o), str(o.path("status").path("phase")), age(o));
  }

  static List<Object> lease(JsonNode o) {
    return List.of(name(o), str(o.path("spec").path("holderIdentity")), age(o));
  }

  static List<Object> service(JsonNode o) {
    JsonNode spec = o.path("spec");
    String internalIp = spec.path("clusterIPs").size() > 0 ? str(spec.path("clusterIPs").get(0)) : "<none>";
    List<String> ports = new ArrayList<>();
    for (JsonNode p : spec.path("ports")) {
      long nodePort = p.path("nodePort").asLong(0);
      ports.add(nodePort > 0 ? p.path("port").asLong(0) + ":" + nodePort + "/" + str(p.path("protocol"))
          : p.path("port").asLong(0) + "/" + str(p.path("protocol")));
    }
    String svcPorts = ports.isEmpty() ? "<none>" : String.join(",", ports);
    return List.of(name(o), str(spec.path("type")), internalIp, externalIp(o), svcPorts, age(o), formatLabels(spec.path("selector")));
  }

  private static String externalIp(JsonNode o) {
    JsonNode spec = o.path("spec");
    List<String> externalIps = strings(spec.path("externalIPs"));
    switch (str(spec.path("type"))) {
      case "ClusterIP", "NodePort" -> {
        return externalIps.isEmpty() ? "<none>" : String.join(",", externalIps);
      }
      case "LoadBalancer" -> {
        // loadBalancerStatusStringer, wide: a sorted set of ingress IPs, else hostnames.
        java.util.TreeSet<String> set = new java.util.TreeSet<>();
        for (JsonNode i : o.path("status").path("loadBalancer").path("ingress")) {
          if (!str(i.path("ip")).isEmpty()) {
            set.add(str(i.path("ip")));
          } else if (!str(i.path("hostname")).isEmpty()) {
            set.add(str(i.path("hostname")));
          }
        }
        String lbIps = String.join(",", set);
        if (!externalIps.isEmpty()) {
          List<String> results = new ArrayList<>();
          if (!lbIps.isEmpty()) {
            results.addAll(List.of(lbIps.split(",", -1)));
          }
          results.addAll(externalIps);
          return String.join(",", results);
        }
        return lbIps.isEmpty() ? "<pending>" : lbIps;
      }
      case "ExternalName" -> {
        return str(spec.path("externalName"));
      }
      default -> {
        return "<unknown>";
      }
    }
  }

  static List<Object> job(JsonNode o) {
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    long succeeded = status.path("succeeded").asLong(0);
    String completions;
    if (spec.has("completions") && !spec.path("completions").isNull()) {
      completions = succeeded + "/" + spec.path("completions").asLong();
    } else {
      long parallelism = spec.path("parallelism").asLong(0);
      completions = parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
    }
    Instant start = time(status.path("startTime"));
    Instant completion = time(status.path("completionTime"));
    Object duration = "";
    if (start != null) {
      duration = completion == null ? Since.of(start) : HumanDuration.of(java.time.Duration.between(start, completion));
    }
    JsonNode conditions = status.path("conditions");
    String jobStatus;
    if (hasCondition(conditions, "Complete")) {
      jobStatus = "Complete";
    } else if (hasCondition(conditions, "Failed")) {
      jobStatus = "Failed";
    } else if (o.path("metadata").has("deletionTimestamp") && !o.path("metadata").path("deletionTimestamp").isNull()) {
      jobStatus = "Terminating";
    } else if (hasCondition(conditions, "Suspended")) {
      jobStatus = "Suspended";
    } else if (hasCondition(conditions, "FailureTarget")) {
      jobStatus = "FailureTarget";
    } else if (hasCondition(conditions, "SuccessCriteriaMet")) {
      jobStatus = "SuccessCriteriaMet";
    } else {
      jobStatus = "Running";
    }
    String[] containers = containerCells(spec.path("template").path("spec").path("containers"));
    return List.of(name(o), jobStatus, completions, duration, age(o), containers[0], containers[1],
        formatLabelSelector(spec.path("selector"), "<none>"));
  }

  /** hasJobCondition: the first condition of the type decides. */
  private static boolean hasCondition(JsonNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (type.equals(str(c.path("type")))) {
        return "True".equals(str(c.path("status")));
      }
    }
    return false;
  }

  static List<Object> event(JsonNode o) {
    Instant first = time(o.path("firstTimestamp"));
    Since firstTimestamp = Since.of(first != null ? first : time(o.path("eventTime")));
    Instant last = time(o.path("lastTimestamp"));
    Since lastTimestamp = last != null ? Since.of(last) : firstTimestamp;
    long count = o.path("count").asLong(0);
    JsonNode series = o.path("series");
    if (series.isObject()) {
      lastTimestamp = Since.of(time(series.path("lastObservedTime")));
      count = series.path("count").asLong(0);
    } else if (count == 0) {
      count = 1;
    }
    JsonNode involved = o.path("involvedObject");
    String kind = str(involved.path("kind")).toLowerCase(java.util.Locale.ROOT);
    String target = str(involved.path("name")).isEmpty() ? kind : kind + "/" + str(involved.path("name"));
    String component = firstNonEmpty(str(o.path("source").path("component")), str(o.path("reportingComponent")));
    String instance = firstNonEmpty(str(o.path("source").path("host")), str(o.path("reportingInstance")));
    String source = instance.isEmpty() ? component : component + ", " + instance;
    List<Object> cells = new ArrayList<>(10);
    cells.add(lastTimestamp);
    cells.add(str(o.path("type")));
    cells.add(str(o.path("reason")));
    cells.add(target);
    cells.add(str(involved.path("fieldPath")));
    cells.add(source);
    cells.add(o.path("message").asText("").strip());
    cells.add(firstTimestamp);
    cells.add(count);
    cells.add(name(o));
    return cells;
  }

  private static String firstNonEmpty(String a, String b) {
    return a.isEmpty() ? b : a;
  }

  static List<Object> deployment(JsonNode o) {
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    String[] containers = containerCells(spec.path("template").path("spec").path("containers"));
    return List.of(name(o), status.path("readyReplicas").asLong(0) + "/" + spec.path("replicas").asLong(0),
        status.path("updatedReplicas").asLong(0), status.path("availableReplicas").asLong(0), age(o),
        containers[0], containers[1], formatLabelSelector(spec.path("selector"), ""));
  }

  static List<Object> replicaSet(JsonNode o) {
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    String[] containers = containerCells(spec.path("template").path("spec").path("containers"));
    return List.of(name(o), spec.path("replicas").asLong(0), status.path("replicas").asLong(0), status.path("readyReplicas").asLong(0),
        age(o), containers[0], containers[1], formatLabelSelector(spec.path("selector"), "<none>"));
  }

  static List<Object> statefulSet(JsonNode o) {
    JsonNode spec = o.path("spec");
    String[] containers = containerCells(spec.path("template").path("spec").path("containers"));
    return List.of(name(o), o.path("status").path("readyReplicas").asLong(0) + "/" + spec.path("replicas").asLong(0), age(o),
        containers[0], containers[1]);
  }

  static List<Object> daemonSet(JsonNode o) {
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    String[] containers = containerCells(spec.path("template").path("spec").path("containers"));
    return List.of(name(o), status.path("desiredNumberScheduled").asLong(0), status.path("currentNumberScheduled").asLong(0),
        status.path("numberReady").asLong(0), status.path("updatedNumberScheduled").asLong(0), status.path("numberAvailable").asLong(0),
        formatLabels(spec.path("template").path("spec").path("nodeSelector")), age(o), containers[0], containers[1],
        formatLabelSelector(spec.path("selector"), "<none>"));
  }

  static List<Object> node(JsonNode o) {
    JsonNode status = o.path("status");
    // conditionMap: the last condition of a type wins; only Ready is shown.
    String ready = null;
    for (JsonNode c : status.path("conditions")) {
      if (str(c.path("type")).equals("Ready")) {
        ready = str(c.path("status")).equals("True") ? "Ready" : "NotReady";
      }
    }
    List<String> statuses = new ArrayList<>();
    statuses.add(ready == null ? "Unknown" : ready);
    if (o.path("spec").path("unschedulable").asBoolean(false)) {
      statuses.add("SchedulingDisabled");
    }
    java.util.TreeSet<String> roles = new java.util.TreeSet<>();
    o.path("metadata").path("labels").fields().forEachRemaining(e -> {
      if (e.getKey().startsWith("node-role.kubernetes.io/")) {
        String role = e.getKey().substring("node-role.kubernetes.io/".length());
        if (!role.isEmpty()) {
          roles.add(role);
        }
      } else if (e.getKey().equals("kubernetes.io/role") && !str(e.getValue()).isEmpty()) {
        roles.add(str(e.getValue()));
      }
    });
    JsonNode info = status.path("nodeInfo");
    String osImage = str(info.path("osImage"));
    String kernelVersion = str(info.path("kernelVersion"));
    String crVersion = str(info.path("containerRuntimeVersion"));
    if (osImage.isEmpty()) {
      osImage = "<unknown>";
    }
    if (kernelVersion.isEmpty()) {
      kernelVersion = "<unknown>";
    }
    if (crVersion.isEmpty()) {
      crVersion = "<unknown>";
    }
    if (!str(info.path("architecture")).isEmpty()) {
      kernelVersion += " (" + str(info.path("architecture")) + ")";
    }
    return List.of(name(o), String.join(",", statuses), roles.isEmpty() ? "<none>" : String.join(",", roles), age(o),
        str(info.path("kubeletVersion")), nodeAddress(o, "InternalIP"), nodeAddress(o, "ExternalIP"), osImage, kernelVersion, crVersion);
  }

  private static String nodeAddress(JsonNode node, String type) {
    for (JsonNode a : node.path("status").path("addresses")) {
      if (str(a.path("type")).equals(type)) {
        return str(a.path("address"));
      }
    }
    return "<none>";
  }

  // ---- helpers (printers.go, apimachinery labels) ----

  static String name(JsonNode o) {
    return str(o.path("metadata").path("name"));
  }

  /** AGE: the time since {@code metadata.creationTimestamp}, printed per request. */
  static Since age(JsonNode o) {
    return Since.of(time(o.path("metadata").path("creationTimestamp")));
  }

  /** A string field, "" when absent or null (Go's zero value). */
  static String str(JsonNode n) {
    return n.isTextual() ? n.textValue() : "";
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(str(n)));
    return out;
  }

  /** A metav1.Time / MicroTime in RFC 3339; null when absent (Go's zero time). */
  static Instant time(JsonNode n) {
    if (!n.isTextual() || n.textValue().isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(n.textValue()).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** layoutContainerCells: names and images, comma-joined. */
  static String[] containerCells(JsonNode containers) {
    List<String> names = new ArrayList<>();
    List<String> images = new ArrayList<>();
    for (JsonNode c : containers) {
      names.add(str(c.path("name")));
      images.add(str(c.path("image")));
    }
    return new String[] {String.join(",", names), String.join(",", images)};
  }

  /** labels.FormatLabels: sorted {@code k=v} joined by commas, {@code <none>} when empty. */
  static String formatLabels(JsonNode map) {
    TreeMap<String, String> sorted = new TreeMap<>();
    map.fields().forEachRemaining(e -> sorted.put(e.getKey(), str(e.getValue())));
    if (sorted.isEmpty()) {
      return "<none>";
    }
    List<String> parts = new ArrayList<>();
    sorted.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  /**
   * {@code LabelSelectorAsSelector(s).String()}: requirements sorted by key ({@code k=v},
   * {@code k in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}; values sorted); {@code empty}
   * when the selector is absent or selects everything ({@code FormatLabelSelector} prints
   * {@code <none>}, the deployment printer ""). An invalid operator prints {@code <error>}.
   */
  static String formatLabelSelector(JsonNode selector, String empty) {
    record Req(String key, String text) {}
    List<Req> reqs = new ArrayList<>();
    selector.path("matchLabels").fields().forEachRemaining(e -> reqs.add(new Req(e.getKey(), e.getKey() + "=" + str(e.getValue()))));
    for (JsonNode expr : selector.path("matchExpressions")) {
      String key = str(expr.path("key"));
      List<String> values = strings(expr.path("values"));
      values.sort(null);
      String text = switch (str(expr.path("operator"))) {
        case "In" -> key + " in (" + String.join(",", values) + ")";
        case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
        case "Exists" -> key;
        case "DoesNotExist" -> "!" + key;
        default -> null;
      };
      if (text == null) {
        return empty.isEmpty() ? "<invalid>" : "<error>";
      }
      reqs.add(new Req(key, text));
    }
    if (reqs.isEmpty()) {
      return empty;
    }
    reqs.sort(java.util.Comparator.comparing(Req::key));
    return String.join(",", reqs.stream().map(Req::text).toList());
  }
}
