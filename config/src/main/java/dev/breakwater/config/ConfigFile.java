package dev.breakwater.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: a YAML mapping whose keys are a command's long option names without the
 * leading dashes ({@code listen: 0.0.0.0:8443}, {@code cache-resources: [configmaps]},
 * {@code cache: false}), read through picocli's {@link CommandLine.IDefaultValueProvider}. So the
 * file maps one-to-one onto the flags, every flag added later is in the file for free, a flag on
 * the command line overrides the file, and every field is converted and checked by the flag's own
 * converter (defaults, units and checks are the flags': {@code --help} lists them).
 *
 * <p>Values: a scalar (string, number, boolean) is the flag's value as typed; a sequence is joined
 * with commas for a flag that splits on commas (the resource lists), and is an error elsewhere; a
 * mapping or {@code null} is an error. An empty file or {@code {}} sets nothing.
 *
 * <p>Bad input stops start-up with one line ({@link ConfigFileException}) that names the file, the
 * field and what it accepts: an unreadable file, YAML that is not a mapping, an unknown key
 * (the accepted keys are listed), a value of the wrong shape, or a value the flag's converter
 * refuses (its own message, e.g. {@code expected HOST:PORT}). Every value is checked eagerly by
 * {@link #load}, before the command runs, not only the ones picocli would use.
 */
public final class ConfigFile implements CommandLine.IDefaultValueProvider {

  /** The option that names the file; never a key inside it. */
  public static final String OPTION = "--config";

  private static final Set<String> NOT_IN_FILE = Set.of("config", "help", "version");

  private final Path file;
  private final Map<String, String> values;

  private ConfigFile(Path file, Map<String, String> values) {
    this.file = file;
    this.values = values;
  }

  /** The file's values by key, as the flags' strings (lists comma-joined). */
  public Map<String, String> values() {
    return values;
  }

  public Path file() {
    return file;
  }

  /**
   * Reads and checks {@code file} against {@code spec}'s options.
   *
   * @throws ConfigFileException (one line) for anything the class comment lists
   */
  public static ConfigFile load(Path file, CommandSpec spec) {
    JsonNode root;
    try {
      String text = Files.readString(file);
      root = text.isBlank() ? null : new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (JacksonException e) {
      String m = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
      throw new ConfigFileException("config " + file + ": not valid YAML: " + m.lines().findFirst().orElse(m));
    } catch (IOException | RuntimeException e) {
      throw new ConfigFileException("cannot read config " + file + ": " + e.getMessage());
    }
    Map<String, String> values = new LinkedHashMap<>();
    if (root == null || root.isNull() || root.isMissingNode()) {
      return new ConfigFile(file, values);
    }
    if (!root.isObject()) {
      throw new ConfigFileException("config " + file + ": expected a mapping of flag names to values, got a " + kind(root));
    }
    Map<String, OptionSpec> options = fileOptions(spec);
    for (var it = root.fields(); it.hasNext(); ) {
      var field = it.next();
      String key = field.getKey();
      OptionSpec option = options.get(key);
      if (option == null) {
        throw new ConfigFileException("config " + file + ": unknown field \"" + key + "\" (accepted: "
            + String.join(", ", new TreeSet<>(options.keySet())) + ")");
      }
      String value = text(file, key, option, field.getValue());
      check(file, key, option, value);
      values.put(key, value);
    }
    return new ConfigFile(file, values);
  }

  /** The keys a file for {@code spec} accepts: its long option names without the dashes. */
  public static Map<String, OptionSpec> fileOptions(CommandSpec spec) {
    Map<String, OptionSpec> byKey = new LinkedHashMap<>();
    for (OptionSpec o : spec.options()) {
      String key = o.longestName().replaceFirst("^-+", "");
      if (!NOT_IN_FILE.contains(key) && !o.usageHelp() && !o.versionHelp()) {
        byKey.put(key, o);
      }
    }
    return byKey;
  }

  private static String text(Path file, String key, OptionSpec option, JsonNode node) {
    String where = "config " + file + ": " + key + ": ";
    if (node.isNull()) {
      throw new ConfigFileException(where + "no value (remove the field for the default, " + accepted(option) + ")");
    }
    if (node.isObject()) {
      throw new ConfigFileException(where + "expected " + accepted(option) + ", got a mapping");
    }
    if (node.isArray()) {
      if (option.splitRegex().isEmpty() || !option.isMultiValue()) {
        throw new ConfigFileException(where + "expected a single value (" + accepted(option) + "), got a list");
      }
      List<String> items = new ArrayList<>();
      for (JsonNode item : node) {
        if (!item.isValueNode() || item.isNull()) {
          throw new ConfigFileException(where + "expected a list of strings, got a " + kind(item) + " in it");
        }
        items.add(item.asText());
      }
      return String.join(",", items);
    }
    return node.asText();
  }

  /** Runs the option's own converter (and picocli's type checks) on the value, alone. */
  private static void check(Path file, String key, OptionSpec option, String value) {
    CommandSpec probe = CommandSpec.create();
    probe.addOption(OptionSpec.builder(option).defaultValue(null).required(false).build());
    try {
      new CommandLine(probe).parseArgs(option.longestName() + "=" + value);
    } catch (CommandLine.ParameterException e) {
      String m = e.getMessage() == null ? "invalid value" : e.getMessage();
      // picocli: "Invalid value for option '--listen': <converter message>"
      m = m.replaceFirst("^Invalid value for option '[^']*': ", "");
      throw new ConfigFileException("config " + file + ": " + key + ": " + m.lines().findFirst().orElse(m)
          + " (" + accepted(option) + ")");
    }
  }

  /** What a field accepts, from the option's type and label. */
  static String accepted(OptionSpec option) {
    Class<?> type = option.type();
    if (type == boolean.class || type == Boolean.class) {
      return "accepted: true, false";
    }
    String label = option.paramLabel().replaceAll("[<>]", "");
    if (option.isMultiValue()) {
      return "accepted: a list of " + label + " or one comma-separated string";
    }
    if (type.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object c : type.getEnumConstants()) {
        names.add(c.toString());
      }
      return "accepted: " + String.join(", ", names);
    }
    Iterable<String> candidates = option.completionCandidates();
    if (candidates != null && candidates.iterator().hasNext() && !(candidates instanceof Collection<?> c && c.isEmpty())) {
      return "accepted: " + String.join(", ", candidates);
    }
    return "accepted: " + label;
  }

  private static String kind(JsonNode node) {
    if (node.isArray()) {
      return "list";
    }
    if (node.isObject()) {
      return "mapping";
    }
    if (node.isNull()) {
      return "null";
    }
    return "scalar";
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (argSpec instanceof OptionSpec o) {
      String v = values.get(o.longestName().replaceFirst("^-+", ""));
      if (v != null) {
        return v;
      }
    }
    return argSpec.defaultValue();
  }

  /**
   * Finds {@code --config FILE} or {@code --config=FILE} in {@code args} without parsing them (the
   * file must be read before picocli applies defaults). Returns null when absent. Arguments after a
   * {@code --} end-of-options marker are not looked at.
   */
  public static Path find(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--")) {
        return null;
      }
      if (a.equals(OPTION)) {
        if (i + 1 >= args.length) {
          throw new ConfigFileException("--config needs a FILE");
        }
        return Path.of(args[i + 1]);
      }
      if (a.startsWith(OPTION + "=")) {
        return Path.of(a.substring(OPTION.length() + 1));
      }
    }
    return null;
  }

  /** A one-line configuration-file error; the CLI prints it after {@code breakwater: }. */
  public static final class ConfigFileException extends IllegalArgumentException {
    public ConfigFileException(String message) {
      super(message);
    }
  }
}
