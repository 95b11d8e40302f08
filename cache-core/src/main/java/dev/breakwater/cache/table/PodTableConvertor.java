package dev.breakwater.cache.table;

import static dev.breakwater.cache.table.BuiltInTableConvertors.age;
import static dev.breakwater.cache.table.BuiltInTableConvertors.name;
import static dev.breakwater.cache.table.BuiltInTableConvertors.str;
import static dev.breakwater.cache.table.BuiltInTableConvertors.time;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code printPod} (kubernetes v1.36.3 printers.go): NAME, READY (ready/total, restartable init
 * containers counted), STATUS (phase, or the reason the init and regular containers' states
 * give, SchedulingGated, Terminating, Unknown for NodeLost), RESTARTS ("n (age ago)" after a
 * recorded termination), AGE; wide: IP, NODE, NOMINATED NODE, READINESS GATES. Succeeded and
 * Failed pods' rows carry a {@code Completed} condition. A line-by-line port; pure.
 */
final class PodTableConvertor implements TableConvertor {

  private static final String SUCCEEDED = "[{\"type\":\"Completed\",\"status\":\"True\",\"reason\":\"Succeeded\","
      + "\"message\":\"The pod has completed successfully.\"}]";
  private static final String FAILED = "[{\"type\":\"Completed\",\"status\":\"True\",\"reason\":\"Failed\",\"message\":\"The pod failed.\"}]";

  private final List<Column> columns = Column.resource("pods");

  @Override
  public List<Column> columns() {
    return columns;
  }

  @Override
  public byte[] bookmarkObject(byte[] json) {
    return BuiltInTableConvertors.withZeroValues(json, ",\"spec\":{\"containers\":null},\"status\":{}", false);
  }

  @Override
  public String conditions(JsonNode pod) {
    return switch (str(pod.path("status").path("phase"))) {
      case "Succeeded" -> SUCCEEDED;
      case "Failed" -> FAILED;
      default -> null;
    };
  }

  @Override
  public List<Object> cells(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    JsonNode status = pod.path("status");
    long restarts = 0;
    long restartableInitContainerRestarts = 0;
    int totalContainers = spec.path("containers").size();
    int readyContainers = 0;
    Instant lastRestartDate = null;
    Instant lastRestartableInitContainerRestartDate = null;

    String podPhase = str(status.path("phase"));
    String reason = podPhase;
    if (!str(status.path("reason")).isEmpty()) {
      reason = str(status.path("reason"));
    }
    for (JsonNode condition : status.path("conditions")) {
      if (str(condition.path("type")).equals("PodScheduled") && str(condition.path("reason")).equals("SchedulingGated")) {
        reason = "SchedulingGated";
      }
    }

    Map<String, JsonNode> initContainers = new HashMap<>();
    for (JsonNode c : spec.path("initContainers")) {
      initContainers.put(str(c.path("name")), c);
      if (restartable(c)) {
        totalContainers++;
      }
    }

    boolean initializing = false;
    JsonNode initStatuses = status.path("initContainerStatuses");
    for (int i = 0; i < initStatuses.size(); i++) {
      JsonNode container = initStatuses.get(i);
      restarts += container.path("restartCount").asLong(0);
      JsonNode lastTerminated = container.path("lastState").path("terminated");
      if (lastTerminated.isObject()) {
        lastRestartDate = later(lastRestartDate, time(lastTerminated.path("finishedAt")));
      }
      boolean restartable = restartable(initContainers.get(str(container.path("name"))));
      if (restartable) {
        restartableInitContainerRestarts += container.path("restartCount").asLong(0);
        if (lastTerminated.isObject()) {
          lastRestartableInitContainerRestartDate = later(lastRestartableInitContainerRestartDate, time(lastTerminated.path("finishedAt")));
        }
      }
      JsonNode terminated = container.path("state").path("terminated");
      JsonNode waiting = container.path("state").path("waiting");
      if (terminated.isObject() && terminated.path("exitCode").asLong(0) == 0) {
        continue;
      } else if (restartable && container.path("started").asBoolean(false)) {
        if (container.path("ready").asBoolean(false)) {
          readyContainers++;
        }
        continue;
      } else if (terminated.isObject()) {
        if (str(terminated.path("reason")).isEmpty()) {
          if (terminated.path("signal").asLong(0) != 0) {
            reason = "Init:Signal:" + terminated.path("signal").asLong(0);
          } else {
            reason = "Init:ExitCode:" + terminated.path("exitCode").asLong(0);
          }
        } else {
          reason = "Init:" + str(terminated.path("reason"));
        }
        initializing = true;
      } else if (waiting.isObject() && !str(waiting.path("reason")).isEmpty() && !str(waiting.path("reason")).equals("PodInitializing")) {
        reason = "Init:" + str(waiting.path("reason"));
        initializing = true;
      } else {
        reason = "Init:" + i + "/" + spec.path("initContainers").size();
        initializing = true;
      }
      break;
    }

    if (!initializing || initializedConditionTrue(status)) {
      restarts = restartableInitContainerRestarts;
      lastRestartDate = lastRestartableInitContainerRestartDate;
      boolean hasRunning = false;
      String errorReason = "";
      JsonNode statuses = status.path("containerStatuses");
      for (int i = statuses.size() - 1; i >= 0; i--) {
        JsonNode container = statuses.get(i);
        restarts += container.path("restartCount").asLong(0);
        JsonNode lastTerminated = container.path("lastState").path("terminated");
        if (lastTerminated.isObject()) {
          lastRestartDate = later(lastRestartDate, time(lastTerminated.path("finishedAt")));
        }
        JsonNode waiting = container.path("state").path("waiting");
        JsonNode terminated = container.path("state").path("terminated");
        if (waiting.isObject() && !str(waiting.path("reason")).isEmpty()) {
          reason = str(waiting.path("reason"));
        } else if (terminated.isObject()) {
          if (!str(terminated.path("reason")).isEmpty()) {
            reason = str(terminated.path("reason"));
          } else if (terminated.path("signal").asLong(0) != 0) {
            reason = "Signal:" + terminated.path("signal").asLong(0);
          } else {
            reason = "ExitCode:" + terminated.path("exitCode").asLong(0);
          }
          if (terminated.path("exitCode").asLong(0) != 0) {
            errorReason = reason;
          }
        } else if (container.path("ready").asBoolean(false) && container.path("state").path("running").isObject()) {
          hasRunning = true;
          readyContainers++;
        }
      }
      if (reason.equals("Completed")) {
        if (hasRunning && readyConditionTrue(status)) {
          reason = "Running";
        } else if (!errorReason.isEmpty()) {
          reason = errorReason;
        } else if (hasRunning) {
          reason = "NotReady";
        }
      }
    }

    boolean deleting = pod.path("metadata").path("deletionTimestamp").isTextual();
    if (deleting && str(status.path("reason")).equals("NodeLost")) {
      reason = "Unknown";
    } else if (deleting && !podPhase.equals("Succeeded") && !podPhase.equals("Failed")) {
      reason = "Terminating";
    }

    Object restartsStr = String.valueOf(restarts);
    if (restarts != 0 && lastRestartDate != null) {
      restartsStr = new Since(lastRestartDate, restarts + " (", " ago)");
    }

    String nodeName = str(spec.path("nodeName"));
    String nominatedNodeName = str(status.path("nominatedNodeName"));
    // v1 → internal: podIPs, or the single podIP when podIPs is empty.
    String podIp = status.path("podIPs").size() > 0 ? str(status.path("podIPs").get(0).path("ip")) : str(status.path("podIP"));
    if (podIp.isEmpty()) {
      podIp = "<none>";
    }
    if (nodeName.isEmpty()) {
      nodeName = "<none>";
    }
    if (nominatedNodeName.isEmpty()) {
      nominatedNodeName = "<none>";
    }
    String readinessGates = "<none>";
    JsonNode gates = spec.path("readinessGates");
    if (gates.size() > 0) {
      int trueConditions = 0;
      for (JsonNode gate : gates) {
        String type = str(gate.path("conditionType"));
        for (JsonNode condition : status.path("conditions")) {
          if (str(condition.path("type")).equals(type)) {
            if (str(condition.path("status")).equals("True")) {
              trueConditions++;
            }
            break;
          }
        }
      }
      readinessGates = trueConditions + "/" + gates.size();
    }
    List<Object> cells = new ArrayList<>(9);
    cells.add(name(pod));
    cells.add(readyContainers + "/" + totalContainers);
    cells.add(reason);
    cells.add(restartsStr);
    cells.add(age(pod));
    cells.add(podIp);
    cells.add(nodeName);
    cells.add(nominatedNodeName);
    cells.add(readinessGates);
    return cells;
  }

  /** podutil.IsRestartableInitContainer: restartPolicy Always. */
  private static boolean restartable(JsonNode initContainer) {
    return initContainer != null && str(initContainer.path("restartPolicy")).equals("Always");
  }

  /** {@code lastRestartDate.Before(&terminatedDate)} keeps the later; an absent (zero) time is earliest. */
  private static Instant later(Instant current, Instant candidate) {
    if (candidate == null) {
      return current;
    }
    return current == null || current.isBefore(candidate) ? candidate : current;
  }

  private static boolean initializedConditionTrue(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if (str(c.path("type")).equals("Initialized")) {
        return str(c.path("status")).equals("True");
      }
    }
    return false;
  }

  private static boolean readyConditionTrue(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if (str(c.path("type")).equals("Ready") && str(c.path("status")).equals("True")) {
        return true;
      }
    }
    return false;
  }
}
