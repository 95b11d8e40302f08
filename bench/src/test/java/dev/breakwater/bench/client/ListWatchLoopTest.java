package dev.breakwater.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.breakwater.bench.env.Arm;
import dev.breakwater.bench.env.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ListWatchLoop} against a scripted HTTP server: which requests it sends after each kind of
 * watch end — resumed from the last RV, or a relist.
 */
class ListWatchLoopTest {

  static final String COLL = "/api/v1/namespaces/ns/podtemplates";

  /** One scripted answer: status, then body lines; {@code hold} keeps the stream open until the test ends. */
  record Answer(int status, List<String> lines, boolean hold) {
    static Answer list(String rv) {
      return new Answer(200, List.of("{\"kind\":\"PodTemplateList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\""
          + rv + "\"},\"items\":[]}"), false);
    }

    static Answer events(String... lines) {
      return new Answer(200, List.of(lines), false);
    }

    static Answer status(int code) {
      return new Answer(code, List.of("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + code + "}"), false);
    }

    static Answer open() {
      return new Answer(200, List.of(), true);
    }
  }

  HttpServer server;
  final BlockingQueue<Answer> script = new LinkedBlockingQueue<>();
  final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  final CountDownLatch done = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    done.countDown();
    server.stop(0);
  }

  void answer(HttpExchange x) throws IOException {
    String q = x.getRequestURI().getRawQuery();
    requests.add(q.contains("watch=1") ? "WATCH rv=" + param(q, "resourceVersion") : "LIST " + q);
    Answer a = script.poll();
    if (a == null) {
      a = Answer.open();
    }
    x.getResponseHeaders().add("Content-Type", "application/json");
    x.sendResponseHeaders(a.status(), 0);
    try (OutputStream out = x.getResponseBody()) {
      for (String line : a.lines()) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      if (a.hold()) {
        try {
          done.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  static String param(String q, String name) {
    for (String kv : q.split("&")) {
      if (kv.startsWith(name + "=")) {
        return kv.substring(name.length() + 1);
      }
    }
    return "";
  }

  static String event(String type, String rv) {
    return "{\"type\":\"" + type + "\",\"object\":{\"kind\":\"PodTemplate\",\"metadata\":{\"name\":\"a\",\"resourceVersion\":\"" + rv + "\"}}}";
  }

  static void until(BooleanSupplier c) throws InterruptedException {
    for (int i = 0; i < 1000 && !c.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    assertThat(c.getAsBoolean()).as("condition reached").isTrue();
  }

  ListWatchLoop loop() {
    return new ListWatchLoop(Endpoint.plain(Arm.DIRECT, URI.create("http://127.0.0.1:" + server.getAddress().getPort())),
        COLL, 1);
  }

  @Test
  void aWatchThatEndsAfterEventsResumesFromTheLastRvWithoutRelisting() throws Exception {
    script.addAll(List.of(Answer.list("10"), Answer.events(event("MODIFIED", "12"), event("BOOKMARK", "15")), Answer.open()));
    try (ListWatchLoop l = loop()) {
      l.start();
      until(() -> requests.size() == 3);
      assertThat(requests).containsExactly("LIST limit=500&resourceVersion=0", "WATCH rv=10", "WATCH rv=15");
      assertThat(l.relists()).isZero();
      assertThat(l.seenRv()).isEqualTo(15);
    }
  }

  @Test
  void goneOnTheWatchRequestRelists() throws Exception {
    script.addAll(List.of(Answer.list("10"), Answer.events(event("MODIFIED", "12")), Answer.status(410), Answer.list("30"),
        Answer.open()));
    try (ListWatchLoop l = loop()) {
      l.start();
      until(() -> requests.size() == 5);
      assertThat(requests).containsExactly("LIST limit=500&resourceVersion=0", "WATCH rv=10", "WATCH rv=12",
          "LIST limit=500&resourceVersion=0", "WATCH rv=30");
      assertThat(l.relists()).isEqualTo(1);
      assertThat(l.seenRv()).isEqualTo(30);
    }
  }

  @Test
  void anErrorEventRelists() throws Exception {
    script.addAll(List.of(Answer.list("10"),
        Answer.events("{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\"}}"),
        Answer.list("20"), Answer.open()));
    try (ListWatchLoop l = loop()) {
      l.start();
      until(() -> requests.size() == 4);
      assertThat(requests).containsExactly("LIST limit=500&resourceVersion=0", "WATCH rv=10",
          "LIST limit=500&resourceVersion=0", "WATCH rv=20");
      assertThat(l.relists()).isEqualTo(1);
    }
  }

  @Test
  void tooManyRequestsOnTheWatchRetriesTheWatchFromTheSameRv() throws Exception {
    script.addAll(List.of(Answer.list("10"), Answer.status(429), Answer.open()));
    try (ListWatchLoop l = loop()) {
      l.start();
      until(() -> requests.size() == 3);
      assertThat(requests).containsExactly("LIST limit=500&resourceVersion=0", "WATCH rv=10", "WATCH rv=10");
      assertThat(l.relists()).isZero();
    }
  }

  @Test
  void aVeryShortWatchWithNoEventRelistsAndAFailedListIsRetried() throws Exception {
    // A watch answered 200 and closed at once with no event (a stopping apiserver): relist. The relist's first
    // answer is a 503 (bad input for a LIST): retried.
    script.addAll(List.of(Answer.list("10"), Answer.events(), Answer.status(503), Answer.list("40"), Answer.open()));
    try (ListWatchLoop l = loop()) {
      l.start();
      until(() -> requests.size() == 5);
      assertThat(requests).containsExactly("LIST limit=500&resourceVersion=0", "WATCH rv=10",
          "LIST limit=500&resourceVersion=0", "LIST limit=500&resourceVersion=0", "WATCH rv=40");
      assertThat(l.seenRv()).isEqualTo(40);
    }
  }
}
