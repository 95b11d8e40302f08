package dev.breakwater.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What can be checked of the image without pulling a base image (no registry, no Docker here):
 * deploy/Dockerfile and the {@code jib} profile agree on base, user, entrypoint and ports; the
 * entrypoint runs the jar the shade plugin builds, whose main class is {@link Main}; the user is the
 * one the chart's securityContext runs as; Jib is only in a profile, not in the default build.
 */
class DockerfileTest {

  static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  @Test
  void dockerfileJibShadeAndChartAgree() throws Exception {
    String dockerfile = Files.readString(REPO.resolve("deploy/Dockerfile"));
    assertThat(line(dockerfile, "FROM")).isEqualTo("eclipse-temurin:25-jre");
    assertThat(line(dockerfile, "USER")).isEqualTo("65532:65532");
    assertThat(line(dockerfile, "ENTRYPOINT")).isEqualTo("[\"java\", \"-jar\", \"/opt/breakwater/breakwater.jar\"]");
    assertThat(line(dockerfile, "COPY")).isEqualTo("proxy/target/breakwater.jar /opt/breakwater/breakwater.jar");
    assertThat(line(dockerfile, "EXPOSE")).isEqualTo("8443 8444");

    Element pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(REPO.resolve("proxy/pom.xml").toFile()).getDocumentElement();
    // The shaded jar is proxy/target/breakwater.jar with Main as its main class.
    Element shade = plugin(child(pom, "build"), "maven-shade-plugin");
    assertThat(text(shade, "finalName")).isEqualTo("breakwater");
    assertThat(text(shade, "mainClass")).isEqualTo(Main.class.getName());
    // Jib: only in the "jib" profile.
    assertThat(plugin(child(pom, "build"), "jib-maven-plugin")).as("jib is not in the default build").isNull();
    Element profile = null;
    NodeList profiles = child(pom, "profiles").getElementsByTagName("profile");
    for (int i = 0; i < profiles.getLength(); i++) {
      if (text((Element) profiles.item(i), "id").equals("jib")) {
        profile = (Element) profiles.item(i);
      }
    }
    assertThat(profile).isNotNull();
    assertThat(child(profile, "activation")).as("the jib profile is never active by default").isNull();
    Element jib = plugin(child(profile, "build"), "jib-maven-plugin");
    assertThat(text(child(jib, "configuration"), "image")).isEqualTo("eclipse-temurin:25-jre");
    assertThat(text(jib, "user")).isEqualTo("65532:65532");
    assertThat(args(child(child(jib, "configuration"), "container"), "entrypoint")).containsExactly("java", "-jar", "/opt/breakwater/breakwater.jar");
    assertThat(text(jib, "includes")).isEqualTo("breakwater.jar");
    assertThat(text(jib, "into")).isEqualTo("/opt/breakwater");

    // The chart runs it as that user, with args naming a real subcommand.
    JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(REPO.resolve("helm/breakwater/values.yaml").toFile());
    assertThat(values.path("podSecurityContext").path("runAsUser").asInt()).isEqualTo(65532);
    assertThat(values.path("podSecurityContext").path("runAsGroup").asInt()).isEqualTo(65532);
    assertThat(values.path("podSecurityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(values.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
    String deployment = Files.readString(REPO.resolve("helm/breakwater/templates/deployment.yaml"));
    assertThat(deployment).contains("args:\n            - serve\n");
    assertThat(deployment).doesNotContain("command:");
    assertThat(Main.commandLine().getSubcommands()).containsKey("serve");
    // The JVM writes only to /tmp (an emptyDir in the chart, WORKDIR in the image).
    assertThat(line(dockerfile, "WORKDIR")).isEqualTo("/tmp");
    assertThat(deployment).contains("mountPath: /tmp");
  }

  static String line(String dockerfile, String instruction) {
    Matcher m = Pattern.compile("(?m)^" + instruction + " (.*)$").matcher(dockerfile);
    assertThat(m.find()).as(instruction).isTrue();
    return m.group(1).trim();
  }

  static Element child(Element parent, String name) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        return e;
      }
    }
    return null;
  }

  static Element plugin(Element build, String artifactId) {
    Element plugins = child(build, "plugins");
    for (Node n = plugins.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && artifactId.equals(text(e, "artifactId"))) {
        return e;
      }
    }
    return null;
  }

  static String text(Element e, String tag) {
    NodeList l = e.getElementsByTagName(tag);
    return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
  }

  static List<String> args(Element e, String tag) {
    NodeList l = child(e, tag).getElementsByTagName("arg");
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < l.getLength(); i++) {
      out.add(l.item(i).getTextContent().trim());
    }
    return out;
  }
}
