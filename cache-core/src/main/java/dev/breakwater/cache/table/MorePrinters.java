package dev.breakwater.cache.table;

import static dev.breakwater.cache.table.BuiltInTableConvertors.age;
import static dev.breakwater.cache.table.BuiltInTableConvertors.containerCells;
import static dev.breakwater.cache.table.BuiltInTableConvertors.formatLabelSelector;
import static dev.breakwater.cache.table.BuiltInTableConvertors.name;
import static dev.breakwater.cache.table.BuiltInTableConvertors.str;
import static dev.breakwater.cache.table.BuiltInTableConvertors.time;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * More ports of kube-apiserver 1.36.3's printers ({@code pkg/printers/internalversion/printers.go}),
 * the aggregator's APIService convertor and the generic {@code rest.NewDefaultTableConvertor}
 * (Name, Created At) that roles, clusterroles and CRDs use. Cells are read from the stored object
 * as the printers read the internal one: an absent or null pointer field is Go's nil, an absent
 * value field its zero value; quantities are printed as stored (the apiserver writes them in
 * their canonical form, which is what {@code Quantity.String()} prints). Pure; thread-safe.
 */
final class MorePrinters {

  private MorePrinters() {}

  private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  /** A pointer (or slice/map) field that is set: present and not null. */
  static boolean set(JsonNode n) {
    return !n.isMissingNode() && !n.isNull();
  }

  /** {@code rest.defaultTableConvertor}: the name and {@code creationTimestamp.UTC().Format(time.RFC3339)} (not time-relative). */
  static List<Object> nameCreatedAt(JsonNode o) {
    Instant t = time(o.path("metadata").path("creationTimestamp"));
    return List.of(name(o), RFC3339.format(t == null ? Instant.parse("0001-01-01T00:00:00Z") : t.truncatedTo(ChronoUnit.SECONDS)));
  }

  static List<Object> serviceAccount(JsonNode o) {
    return List.of(name(o), age(o));
  }

  /** printEndpoints / formatEndpoints(endpoints, nil): up to three {@code ip:port}, then "+ N more...". */
  static List<Object> endpoints(JsonNode o) {
    return List.of(name(o), formatEndpoints(o.path("subsets")), age(o));
  }

  static String formatEndpoints(JsonNode subsets) {
    if (subsets.size() == 0) {
      return "<none>";
    }
    List<String> list = new ArrayList<>();
    int max = 3;
    boolean more = false;
    int count = 0;
    for (JsonNode ss : subsets) {
      JsonNode addresses = ss.path("addresses");
      if (ss.path("ports").size() == 0) {
        count += addresses.size();
        for (JsonNode a : addresses) {
          if (list.size() == max) {
            more = true;
            break;
          }
          list.add(str(a.path("ip")));
        }
        continue;
      }
      for (JsonNode port : ss.path("ports")) {
        count += addresses.size();
        for (JsonNode a : addresses) {
          if (list.size() == max) {
            more = true;
            break;
          }
          list.add(joinHostPort(str(a.path("ip")), port.path("port").asLong(0)));
        }
      }
    }
    String ret = String.join(",", list);
    return more ? ret + " + " + (count - max) + " more..." : ret;
  }

  /** net.JoinHostPort: brackets around a host with a colon (IPv6). */
  static String joinHostPort(String host, long port) {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  static List<Object> endpointSlice(JsonNode o) {
    List<String> ports = new ArrayList<>();
    boolean morePorts = false;
    int portCount = 0;
    for (JsonNode p : o.path("ports")) {
      if (ports.size() < 3) {
        ports.add(set(p.path("port")) ? Long.toString(p.path("port").asLong()) : set(p.path("name")) ? str(p.path("name")) : "*");
      } else if (ports.size() == 3) {
        morePorts = true;
      }
      portCount++;
    }
    List<String> addresses = new ArrayList<>();
    boolean moreAddresses = false;
    int addressCount = 0;
    for (JsonNode e : o.path("endpoints")) {
      for (JsonNode a : e.path("addresses")) {
        if (addresses.size() < 3) {
          addresses.add(str(a));
        } else if (addresses.size() == 3) {
          moreAddresses = true;
        }
        addressCount++;
      }
    }
    return List.of(name(o), str(o.path("addressType")), listWithMore(ports, morePorts, portCount),
        listWithMore(addresses, moreAddresses, addressCount), age(o));
  }

  /** listWithMoreString with max 3. */
  static String listWithMore(List<String> list, boolean more, int count) {
    String ret = String.join(",", list);
    if (more) {
      return ret + " + " + (count - 3) + " more...";
    }
    return ret.isEmpty() ? "<unset>" : ret;
  }

  static List<Object> ingress(JsonNode o) {
    JsonNode spec = o.path("spec");
    String className = set(spec.path("ingressClassName")) ? str(spec.path("ingressClassName")) : "<none>";
    // formatHosts: the first three non-empty hosts; "+ N more..." counts every rule past the third.
    List<String> hosts = new ArrayList<>();
    boolean more = false;
    JsonNode rules = spec.path("rules");
    for (JsonNode rule : rules) {
      if (hosts.size() == 3) {
        more = true;
      }
      if (!more && !str(rule.path("host")).isEmpty()) {
        hosts.add(str(rule.path("host")));
      }
    }
    String hostCell = hosts.isEmpty() ? "*" : more ? String.join(",", hosts) + " + " + (rules.size() - 3) + " more..."
        : String.join(",", hosts);
    // ingressLoadBalancerStatusStringer, wide (the apiserver prints wide): a sorted set of IPs, else hostnames.
    TreeSet<String> address = new TreeSet<>();
    for (JsonNode i : o.path("status").path("loadBalancer").path("ingress")) {
      if (!str(i.path("ip")).isEmpty()) {
        address.add(str(i.path("ip")));
      } else if (!str(i.path("hostname")).isEmpty()) {
        address.add(str(i.path("hostname")));
      }
    }
    String ports = spec.path("tls").size() != 0 ? "80, 443" : "80";
    return List.of(name(o), className, hostCell, String.join(",", address), ports, age(o));
  }

  /** helper.GetAccessModesAsString: RWO, ROX, RWX, RWOP in that order, each once. */
  static String accessModes(JsonNode modes) {
    List<String> in = BuiltInTableConvertors.strings(modes);
    List<String> out = new ArrayList<>();
    for (String[] m : new String[][] {{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"},
        {"ReadWriteOncePod", "RWOP"}}) {
      if (in.contains(m[0])) {
        out.add(m[1]);
      }
    }
    return String.join(",", out);
  }

  private static boolean terminating(JsonNode o) {
    return set(o.path("metadata").path("deletionTimestamp"));
  }

  /** A {@code ResourceList} entry as {@code Quantity.String()} prints it: as stored, "0" when absent. */
  private static String quantity(JsonNode n) {
    return n.isTextual() ? n.textValue() : n.isNumber() ? n.asText() : "0";
  }

  private static final String BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";

  static List<Object> persistentVolume(JsonNode o) {
    JsonNode spec = o.path("spec");
    String claim = set(spec.path("claimRef")) ? str(spec.path("claimRef").path("namespace")) + "/" + str(spec.path("claimRef").path("name")) : "";
    String phase = terminating(o) ? "Terminating" : str(o.path("status").path("phase"));
    JsonNode annotations = o.path("metadata").path("annotations");
    String storageClass = annotations.has(BETA_STORAGE_CLASS) ? str(annotations.path(BETA_STORAGE_CLASS)) : str(spec.path("storageClassName"));
    String vac = set(spec.path("volumeAttributesClassName")) ? str(spec.path("volumeAttributesClassName")) : "<unset>";
    String volumeMode = set(spec.path("volumeMode")) ? str(spec.path("volumeMode")) : "<unset>";
    List<Object> cells = new ArrayList<>(11);
    cells.add(name(o));
    cells.add(quantity(spec.path("capacity").path("storage")));
    cells.add(accessModes(spec.path("accessModes")));
    cells.add(str(spec.path("persistentVolumeReclaimPolicy")));
    cells.add(phase);
    cells.add(claim);
    cells.add(storageClass);
    cells.add(vac);
    cells.add(str(o.path("status").path("reason")));
    cells.add(age(o));
    cells.add(volumeMode);
    return cells;
  }

  static List<Object> persistentVolumeClaim(JsonNode o) {
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    String phase = terminating(o) ? "Terminating" : str(status.path("phase"));
    String vac = set(spec.path("volumeAttributesClassName")) ? str(spec.path("volumeAttributesClassName")) : "<unset>";
    String capacity = "";
    String modes = "";
    if (!str(spec.path("volumeName")).isEmpty()) {
      modes = accessModes(status.path("accessModes"));
      capacity = quantity(status.path("capacity").path("storage"));
    }
    String volumeMode = set(spec.path("volumeMode")) ? str(spec.path("volumeMode")) : "<unset>";
    JsonNode annotations = o.path("metadata").path("annotations");
    String storageClass = annotations.has(BETA_STORAGE_CLASS) ? str(annotations.path(BETA_STORAGE_CLASS))
        : set(spec.path("storageClassName")) ? str(spec.path("storageClassName")) : "";
    List<Object> cells = new ArrayList<>(9);
    cells.add(name(o));
    cells.add(phase);
    cells.add(str(spec.path("volumeName")));
    cells.add(capacity);
    cells.add(modes);
    cells.add(storageClass);
    cells.add(vac);
    cells.add(age(o));
    cells.add(volumeMode);
    return cells;
  }

  static List<Object> storageClass(JsonNode o) {
    JsonNode annotations = o.path("metadata").path("annotations");
    boolean isDefault = "true".equals(str(annotations.path("storageclass.kubernetes.io/is-default-class")))
        || "true".equals(str(annotations.path("storageclass.beta.kubernetes.io/is-default-class")));
    String reclaim = set(o.path("reclaimPolicy")) ? str(o.path("reclaimPolicy")) : "Delete";
    String binding = set(o.path("volumeBindingMode")) ? str(o.path("volumeBindingMode")) : "Immediate";
    boolean expansion = o.path("allowVolumeExpansion").asBoolean(false);
    return List.of(isDefault ? name(o) + " (default)" : name(o), str(o.path("provisioner")), reclaim, binding, expansion, age(o));
  }

  /** printRoleBinding / printClusterRoleBinding with rbac.SubjectsStrings. */
  static List<Object> roleBinding(JsonNode o) {
    JsonNode ref = o.path("roleRef");
    List<String> users = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    List<String> sas = new ArrayList<>();
    for (JsonNode s : o.path("subjects")) {
      switch (str(s.path("kind"))) {
        case "ServiceAccount" -> sas.add(str(s.path("namespace")) + "/" + str(s.path("name")));
        case "User" -> users.add(str(s.path("name")));
        case "Group" -> groups.add(str(s.path("name")));
        default -> { }
      }
    }
    return List.of(name(o), str(ref.path("kind")) + "/" + str(ref.path("name")), age(o), String.join(", ", users),
        String.join(", ", groups), String.join(", ", sas));
  }

  static List<Object> cronJob(JsonNode o) {
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    Object lastSchedule = set(status.path("lastScheduleTime")) ? Since.of(time(status.path("lastScheduleTime"))) : "<none>";
    String timeZone = set(spec.path("timeZone")) ? str(spec.path("timeZone")) : "<none>";
    String suspend = set(spec.path("suspend")) ? (spec.path("suspend").asBoolean(false) ? "True" : "False") : "<unset>";
    JsonNode jobSpec = spec.path("jobTemplate").path("spec");
    String[] containers = containerCells(jobSpec.path("template").path("spec").path("containers"));
    List<Object> cells = new ArrayList<>(10);
    cells.add(name(o));
    cells.add(str(spec.path("schedule")));
    cells.add(timeZone);
    cells.add(suspend);
    cells.add((long) status.path("active").size());
    cells.add(lastSchedule);
    cells.add(age(o));
    cells.add(containers[0]);
    cells.add(containers[1]);
    cells.add(formatLabelSelector(jobSpec.path("selector"), "<none>"));
    return cells;
  }

  static List<Object> networkPolicy(JsonNode o) {
    return List.of(name(o), formatLabelSelector(o.path("spec").path("podSelector"), "<none>"), age(o));
  }

  /** IntOrString.String(): the int in decimal or the string. */
  private static String intOrString(JsonNode n) {
    return n.isNumber() ? Long.toString(n.asLong()) : str(n);
  }

  static List<Object> podDisruptionBudget(JsonNode o) {
    JsonNode spec = o.path("spec");
    String min = set(spec.path("minAvailable")) ? intOrString(spec.path("minAvailable")) : "N/A";
    String max = set(spec.path("maxUnavailable")) ? intOrString(spec.path("maxUnavailable")) : "N/A";
    return List.of(name(o), min, max, o.path("status").path("disruptionsAllowed").asLong(0), age(o));
  }

  static List<Object> priorityClass(JsonNode o) {
    String preemption = set(o.path("preemptionPolicy")) ? str(o.path("preemptionPolicy")) : "";
    return List.of(name(o), o.path("value").asLong(0), o.path("globalDefault").asBoolean(false), age(o), preemption);
  }

  /** kube-aggregator's APIService ConvertToTable. */
  static List<Object> apiService(JsonNode o) {
    JsonNode svc = o.path("spec").path("service");
    String service = set(svc) ? str(svc.path("namespace")) + "/" + str(svc.path("name")) : "Local";
    String status = "Unknown";
    for (JsonNode c : o.path("status").path("conditions")) {
      if (str(c.path("type")).equals("Available")) {
        String s = str(c.path("status"));
        String reason = str(c.path("reason"));
        status = s.equals("True") || reason.isEmpty() ? s : s + " (" + reason + ")";
        break;
      }
    }
    return List.of(name(o), service, status, age(o));
  }

  // ---- horizontalpodautoscalers.autoscaling/v2 ----

  static List<Object> horizontalPodAutoscaler(JsonNode o) {
    JsonNode spec = o.path("spec");
    JsonNode ref = spec.path("scaleTargetRef");
    String minPods = set(spec.path("minReplicas")) ? Long.toString(spec.path("minReplicas").asLong()) : "<unset>";
    return List.of(name(o), str(ref.path("kind")) + "/" + str(ref.path("name")), formatHpaMetrics(spec.path("metrics"),
        o.path("status").path("currentMetrics")), minPods, spec.path("maxReplicas").asLong(0),
        o.path("status").path("currentReplicas").asLong(0), age(o));
  }

  /** A {@code *resource.Quantity} as {@code String()} prints it: "<nil>" when unset. */
  private static String quantityPtr(JsonNode n) {
    return set(n) ? quantity(n) : "<nil>";
  }

  /** formatHPAMetrics: each metric as "current/target", the first two, then "+ N more...". */
  static String formatHpaMetrics(JsonNode specs, JsonNode statuses) {
    if (specs.size() == 0) {
      return "<none>";
    }
    List<String> list = new ArrayList<>();
    int count = 0;
    for (int i = 0; i < specs.size(); i++) {
      JsonNode spec = specs.get(i);
      JsonNode status = i < statuses.size() ? statuses.get(i) : com.fasterxml.jackson.databind.node.MissingNode.getInstance();
      switch (str(spec.path("type"))) {
        case "External" -> list.add(valueOrAverage(spec.path("external").path("target"), status.path("external")));
        case "Pods" -> {
          String current = set(status.path("pods")) ? quantityPtr(status.path("pods").path("current").path("averageValue")) : "<unknown>";
          list.add(current + "/" + quantityPtr(spec.path("pods").path("target").path("averageValue")));
        }
        case "Object" -> list.add(valueOrAverage(spec.path("object").path("target"), status.path("object")));
        case "Resource" -> list.add(resource(spec.path("resource"), status.path("resource")));
        case "ContainerResource" -> list.add(resource(spec.path("containerResource"), status.path("containerResource")));
        default -> list.add("<unknown type>");
      }
      count++;
    }
    if (count > 2) {
      return String.join(", ", list.subList(0, 2)) + " + " + (count - 2) + " more...";
    }
    return String.join(", ", list);
  }

  /** External and Object metrics: "(avg)" targets by average value, else by value. */
  private static String valueOrAverage(JsonNode target, JsonNode status) {
    if (set(target.path("averageValue"))) {
      String current = set(status) && set(status.path("current").path("averageValue"))
          ? quantityPtr(status.path("current").path("averageValue")) : "<unknown>";
      return current + "/" + quantityPtr(target.path("averageValue")) + " (avg)";
    }
    String current = set(status) ? quantityPtr(status.path("current").path("value")) : "<unknown>";
    return current + "/" + quantityPtr(target.path("value"));
  }

  /** Resource and ContainerResource metrics: "name: current/target", by average value or utilization. */
  private static String resource(JsonNode spec, JsonNode status) {
    String name = str(spec.path("name"));
    JsonNode target = spec.path("target");
    if (set(target.path("averageValue"))) {
      String current = set(status) ? quantityPtr(status.path("current").path("averageValue")) : "<unknown>";
      return name + ": " + current + "/" + quantityPtr(target.path("averageValue"));
    }
    String current = set(status) && set(status.path("current").path("averageUtilization"))
        ? status.path("current").path("averageUtilization").asLong() + "%" : "<unknown>";
    String t = set(target.path("averageUtilization")) ? target.path("averageUtilization").asLong() + "%" : "<auto>";
    return name + ": " + current + "/" + t;
  }
}
