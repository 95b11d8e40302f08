package dev.breakwater.proxy.kubeconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * {@code breakwater kubeconfig}: a kubeconfig whose cluster server is a Breakwater URL, carrying
 * the user's credentials from an existing kubeconfig's context.
 *
 * <p>Two outputs. {@link #standalone} is a new file (cluster, user, context all named
 * {@code name}, current-context set) with the source user's credentials copied and relative file
 * paths in them made absolute against the source's directory. {@link #merge} adds a cluster and a
 * context named {@code name} (the context uses the source context's existing user and namespace)
 * to the source file itself, by text insertion: every other byte of the file is kept, comments
 * and formatting included; an existing cluster or context entry of that name is replaced; the
 * current-context is not changed. Both write atomically (a temporary file in the same directory,
 * then a rename); a merged file keeps its POSIX mode, a new file gets {@code 0600}.
 *
 * <p>Bad input: an unreadable or malformed source, an unknown context, a context naming a user
 * that does not exist, a server that is not an http(s) URL, both a CA and insecure-skip, or a CA
 * file that cannot be read: {@link IllegalArgumentException} with one line; nothing is written.
 */
public final class KubeconfigWriter {

  /** Where Breakwater is and how to trust it. */
  public record Target(String name, URI server, Optional<Path> certificateAuthority, boolean insecureSkipTlsVerify) {
    public Target {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("--name must not be empty");
      }
      String scheme = server.getScheme();
      if (server.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
        throw new IllegalArgumentException("--server must be an http:// or https:// URL, got \"" + server + "\"");
      }
      if (certificateAuthority.isPresent() && insecureSkipTlsVerify) {
        throw new IllegalArgumentException("--certificate-authority and --insecure-skip-tls-verify exclude each other");
      }
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private KubeconfigWriter() {}

  /**
   * The standalone kubeconfig text. {@code source} empty: a user without credentials (Breakwater
   * acts with its own identity, e.g. a sidecar or {@code local}).
   */
  public static String standalone(Target target, Optional<Path> source, Optional<String> context) {
    ObjectNode user = YAML.createObjectNode();
    String namespace = null;
    if (source.isPresent()) {
      Source s = Source.read(source.get(), context);
      user = absolutePaths(s.user.deepCopy(), source.get().toAbsolutePath().getParent());
      namespace = s.namespace;
    }
    ObjectNode root = YAML.createObjectNode();
    root.put("apiVersion", "v1");
    root.put("kind", "Config");
    root.putArray("clusters").addObject().put("name", target.name()).set("cluster", cluster(target));
    root.putArray("users").addObject().put("name", target.name()).set("user", user);
    ObjectNode ctx = root.putArray("contexts").addObject().put("name", target.name()).putObject("context");
    ctx.put("cluster", target.name()).put("user", target.name());
    if (namespace != null) {
      ctx.put("namespace", namespace);
    }
    root.put("current-context", target.name());
    try {
      return YAML.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@link #standalone} to {@code out}, atomically, mode 0600. */
  public static void writeStandalone(Path out, Target target, Optional<Path> source, Optional<String> context) {
    writeAtomically(out, standalone(target, source, context), Optional.empty());
  }

  /** The text of {@code file} with the cluster and context of {@code target} merged in; see the class comment. */
  public static String merged(Path file, Target target, Optional<String> context) {
    Source s = Source.read(file, context);
    String text = s.text;
    StringBuilder clusterItem = new StringBuilder("- name: ").append(quote(target.name())).append("\n  cluster:\n");
    for (var f : cluster(target).properties()) {
      String v = f.getValue().isBoolean() ? f.getValue().asText() : quote(f.getValue().asText());
      clusterItem.append("    ").append(f.getKey()).append(": ").append(v).append('\n');
    }
    StringBuilder contextItem = new StringBuilder("- name: ").append(quote(target.name())).append("\n  context:\n")
        .append("    cluster: ").append(quote(target.name())).append('\n')
        .append("    user: ").append(quote(s.userName)).append('\n');
    if (s.namespace != null) {
      contextItem.append("    namespace: ").append(quote(s.namespace)).append('\n');
    }
    // Edit from the end of the file backwards so earlier offsets stay valid.
    List<Edit> edits = new ArrayList<>();
    edits.addAll(sequenceEdits(text, s.root, "clusters", target.name(), clusterItem.toString()));
    edits.addAll(sequenceEdits(text, s.root, "contexts", target.name(), contextItem.toString()));
    edits.sort((a, b) -> Integer.compare(b.start, a.start));
    StringBuilder out = new StringBuilder(text);
    for (Edit e : edits) {
      out.replace(e.start, e.end, e.text);
    }
    return out.toString();
  }

  /** Merges into {@code file} in place (atomic, mode kept). */
  public static void merge(Path file, Target target, Optional<String> context) {
    String text = merged(file, target, context);
    Optional<Set<PosixFilePermission>> mode;
    try {
      mode = Optional.of(Files.getPosixFilePermissions(file));
    } catch (IOException | UnsupportedOperationException e) {
      mode = Optional.empty();
    }
    writeAtomically(file, text, mode);
  }

  private record Edit(int start, int end, String text) {}

  /**
   * The edits that put {@code item} into the block sequence under top-level {@code key}: replace
   * an entry with the same name, else insert before the first entry (indented as it is); an absent,
   * null or flow-style ({@code []}) sequence becomes a block sequence holding only {@code item}.
   */
  private static List<Edit> sequenceEdits(String text, MappingNode root, String key, String name, String item) {
    NodeTuple tuple = null;
    for (NodeTuple t : root.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        tuple = t;
      }
    }
    if (tuple == null) {
      String sep = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
      return List.of(new Edit(text.length(), text.length(), sep + key + ":\n" + item));
    }
    Node value = tuple.getValueNode();
    if (!(value instanceof SequenceNode seq) || seq.getValue().isEmpty() || seq.getFlowStyle() == org.yaml.snakeyaml.DumperOptions.FlowStyle.FLOW) {
      if (value instanceof SequenceNode seq && !seq.getValue().isEmpty()) {
        throw new IllegalArgumentException("--merge: " + key + " is a flow-style list with entries; rewrite it as a block list first");
      }
      if (value instanceof ScalarNode sc && !sc.getValue().isEmpty() && !"null".equals(sc.getValue()) && !"~".equals(sc.getValue())) {
        throw new IllegalArgumentException("--merge: " + key + " is not a list");
      }
      // Replace "key: <value>" from the end of the key to the end of the value with ":\n" + item.
      int keyEnd = tuple.getKeyNode().getEndMark().getIndex();
      int valueEnd = value.getEndMark().getIndex();
      int lineEnd = text.indexOf('\n', Math.max(keyEnd, valueEnd - 1));
      int end = lineEnd < 0 ? text.length() : lineEnd + 1;
      return List.of(new Edit(keyEnd, end, ":\n" + item));
    }
    List<Node> items = seq.getValue();
    int firstLine = lineStart(text, items.get(0).getStartMark().getIndex());
    String indent = text.substring(firstLine, dashIndex(text, items.get(0).getStartMark().getIndex()));
    String indented = indent(item, indent);
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i) instanceof MappingNode m && name.equals(scalar(m, "name"))) {
        int start = lineStart(text, items.get(i).getStartMark().getIndex());
        int end = i + 1 < items.size() ? lineStart(text, items.get(i + 1).getStartMark().getIndex()) : endOfLine(text, items.get(i).getEndMark().getIndex());
        return List.of(new Edit(start, end, indented));
      }
    }
    return List.of(new Edit(firstLine, firstLine, indented));
  }

  private static String indent(String item, String indent) {
    StringBuilder b = new StringBuilder();
    for (String line : item.split("\n")) {
      b.append(indent).append(line).append('\n');
    }
    return b.toString();
  }

  private static int lineStart(String text, int index) {
    int nl = text.lastIndexOf('\n', Math.max(0, index - 1));
    return nl < 0 ? 0 : nl + 1;
  }

  /** The end of the entry ending at {@code index}: the start of the next line, unless index is already at one. */
  private static int endOfLine(String text, int index) {
    if (index > 0 && index <= text.length() && text.charAt(index - 1) == '\n') {
      return index;
    }
    int nl = text.indexOf('\n', index);
    return nl < 0 ? text.length() : nl + 1;
  }

  private static int dashIndex(String text, int itemStart) {
    int i = text.lastIndexOf('-', itemStart);
    return i < lineStart(text, itemStart) ? lineStart(text, itemStart) : i;
  }

  private static String scalar(MappingNode m, String key) {
    for (NodeTuple t : m.getValue()) {
      if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key) && t.getValueNode() instanceof ScalarNode v) {
        return v.getValue();
      }
    }
    return null;
  }

  /** A YAML scalar as kubectl would write it: plain when safe, double-quoted otherwise. */
  static String quote(String s) {
    if (s.matches("[A-Za-z0-9][A-Za-z0-9._/@+=-]*") && !s.matches("(?i)true|false|yes|no|on|off|null|~|[0-9.eE+-]+")) {
      return s;
    }
    return YAML_QUOTED.apply(s);
  }

  private static final java.util.function.Function<String, String> YAML_QUOTED = s -> {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  };

  private static ObjectNode cluster(Target target) {
    ObjectNode c = YAML.createObjectNode();
    if (target.certificateAuthority().isPresent()) {
      Path ca = target.certificateAuthority().get();
      try {
        c.put("certificate-authority-data", Base64.getEncoder().encodeToString(Files.readAllBytes(ca)));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read --certificate-authority " + ca + ": " + e.getMessage());
      }
    }
    if (target.insecureSkipTlsVerify()) {
      c.put("insecure-skip-tls-verify", true);
    }
    c.put("server", target.server().toString());
    return c;
  }

  private static final Set<String> PATH_FIELDS = Set.of("client-certificate", "client-key", "tokenFile");

  private static ObjectNode absolutePaths(ObjectNode user, Path base) {
    for (String f : PATH_FIELDS) {
      JsonNode v = user.get(f);
      if (v != null && v.isTextual() && !v.asText().isEmpty() && base != null) {
        user.put(f, base.resolve(v.asText()).normalize().toString());
      }
    }
    return user;
  }

  static void writeAtomically(Path file, String text, Optional<Set<PosixFilePermission>> mode) {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      if (mode.isPresent()) {
        Files.setPosixFilePermissions(tmp, mode.get());
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("cannot write " + file + ": " + e.getMessage());
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
    }
  }

  /** A source kubeconfig: its text, its node tree (with offsets) and the chosen context's user. */
  private record Source(String text, MappingNode root, String userName, ObjectNode user, String namespace) {

    static Source read(Path file, Optional<String> contextName) {
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read kubeconfig " + file + ": " + e.getMessage());
      }
      Node node;
      JsonNode tree;
      try {
        node = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        tree = text.isBlank() ? null : YAML.readTree(text);
      } catch (RuntimeException | IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        throw new IllegalArgumentException("kubeconfig " + file + " is not valid YAML: " + m.lines().findFirst().orElse(m));
      }
      if (!(node instanceof MappingNode root) || tree == null || !tree.isObject()) {
        throw new IllegalArgumentException("kubeconfig " + file + " is not a kubeconfig (expected a mapping)");
      }
      String name = contextName.orElseGet(() -> tree.path("current-context").asText(""));
      if (name.isEmpty()) {
        throw new IllegalArgumentException("kubeconfig " + file + " has no current-context; give --context");
      }
      JsonNode context = find(tree.path("contexts"), name);
      if (context == null) {
        throw new IllegalArgumentException("context \"" + name + "\" not found in " + file);
      }
      String userName = context.path("context").path("user").asText("");
      JsonNode user = userName.isEmpty() ? YAML.createObjectNode() : find(tree.path("users"), userName);
      if (user == null) {
        throw new IllegalArgumentException("context \"" + name + "\" names user \"" + userName + "\", not found in " + file);
      }
      JsonNode u = user.path("user");
      JsonNode ns = context.path("context").path("namespace");
      return new Source(text, root, userName, u.isObject() ? (ObjectNode) u : YAML.createObjectNode(),
          ns.isTextual() && !ns.asText().isEmpty() ? ns.asText() : null);
    }

    private static JsonNode find(JsonNode list, String name) {
      if (list.isArray()) {
        for (JsonNode e : list) {
          if (name.equals(e.path("name").asText(null))) {
            return e;
          }
        }
      }
      return null;
    }
  }
}
