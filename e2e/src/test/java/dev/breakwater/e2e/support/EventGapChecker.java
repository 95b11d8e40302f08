package dev.breakwater.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.breakwater.local.LocalCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The event-gap checker of issue 16: a writer makes many changes to ConfigMaps of one namespace (creates, data
 * updates, label changes that move objects in and out of selectors, deletes) straight against the apiserver,
 * while watchers through Breakwater (plain watches from a LIST's RV, WatchLists; no selector, {@code group=a},
 * {@code group=b}; JSON and protobuf) record what they see, reconnecting from their last RV whenever their watch ends (short
 * {@code timeoutSeconds}, so they resume often, across every fault), relisting only after a 410 — as an
 * informer does.
 *
 * <p>The truth is one watcher straight on the apiserver (no selector): one watch stream's events are complete
 * and in RV order by the apiserver's contract. Faults (restarts, compactions) run on the writer's thread with
 * writes paused and only once the truth watcher has seen every write, so no write is ever ambiguous and the
 * truth stays complete across the upstream's own 410s (checked: its relists must not change its state).
 *
 * <p>For each Breakwater watcher the expected events are the truth's events after the RV it started from,
 * converted by its selector as the apiserver converts them (entry → ADDED, exit → DELETED at the event's RV,
 * both → MODIFIED); events a 410 made it skip (between its last RV and its relist's RV) are excused. Counted:
 * expected, seen, missing, duplicate, reordered (RV below the previous event's), unexpected (an event that is
 * no write of that object, e.g. a diff event of a relist), wrong type, events seen inside a range a relist
 * collapsed ({@link #excuseRelist}), 410s, and whether its final state equals the upstream's.
 *
 * <p>Bad input: none from users; a watcher that cannot connect retries every 200 ms and counts the failure.
 */
public final class EventGapChecker implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param watchers   watchers through Breakwater (round-robin over {all, group=a, group=b} × {plain, WatchList} ×
   *                   {JSON, protobuf})
   * @param writes     writes the writer makes
   * @param objects    distinct object names it writes
   * @param faultEvery run the fault after every this many writes (0 = never)
   * @param faults     at most this many faults
   */
  public record Options(int watchers, int writes, int objects, int faultEvery, int faults, long seed) {
    /** Small enough to run in well under a minute; {@code -Dbreakwater.gap.watchers/writes} make it bigger. */
    public static Options defaults() {
      return new Options(Integer.getInteger("breakwater.gap.watchers", 30), Integer.getInteger("breakwater.gap.writes", 300),
          40, 0, 0, Long.getLong("breakwater.gap.seed", 16L));
    }

    public Options withFaults(int count) {
      return new Options(watchers, writes, objects, writes / (count + 1), count, seed);
    }
  }

  /** Totals over all Breakwater watchers. */
  public record Report(int watchers, long expected, long seen, long missing, long duplicate, long reordered,
                       long unexpected, long wrongType, long collapsed, long gone410, long otherErrors, long reconnects,
                       int stateMismatches, long truthEvents, int truthRelists, List<String> samples) {
    public boolean clean() {
      return missing == 0 && duplicate == 0 && reordered == 0 && unexpected == 0 && wrongType == 0 && stateMismatches == 0;
    }

    @Override
    public String toString() {
      return "watchers=" + watchers + " expected=" + expected + " seen=" + seen + " missing=" + missing + " duplicate=" + duplicate
          + " reordered=" + reordered + " unexpected=" + unexpected + " wrongType=" + wrongType + " collapsedByRelist=" + collapsed
          + " 410=" + gone410
          + " otherErrors=" + otherErrors + " reconnects=" + reconnects + " stateMismatches=" + stateMismatches
          + " truthEvents=" + truthEvents + " truthRelists=" + truthRelists + (samples.isEmpty() ? "" : " samples=" + samples);
    }
  }

  /** One event as a watcher saw it. {@code group} is the object's label (null when none). */
  record Seen(String type, String name, long rv, String group) {}

  private final LocalCluster cluster;
  private final String breakwaterUrl;
  private final String namespace;
  private final Options options;
  /** The writer's client, straight to {@link #directServer}; replaced by {@link #useDirectServer} (writer thread). */
  private volatile KubernetesClient direct;
  /** The apiserver the writer and the truth talk to: the cluster's, or another apiserver of its etcd. */
  private volatile java.net.URI directServer;
  private final HttpClient bwHttp = RawHttp.plain();
  private final HttpClient directHttp;
  private final Watcher truth;
  private final boolean withTruth;
  private final List<Watcher> watchers = new ArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;
  private Thread writer;
  private volatile Throwable writerFailure;
  /** Set when the truth itself is incomplete (then no report is meaningful). */
  private volatile String truthBroken;

  public EventGapChecker(LocalCluster cluster, String breakwaterUrl, String namespace, Options options) {
    this(cluster, breakwaterUrl, namespace, options, true);
  }

  /**
   * @param withTruth false for tests that count the upstream's requests and need no report (no direct
   *     watcher then; {@link #report} is not available)
   */
  public EventGapChecker(LocalCluster cluster, String breakwaterUrl, String namespace, Options options, boolean withTruth) {
    this.withTruth = withTruth;
    this.cluster = cluster;
    this.breakwaterUrl = breakwaterUrl;
    this.namespace = namespace;
    this.options = options;
    this.direct = ClusterExtension.direct(cluster);
    this.directServer = cluster.server();
    this.directHttp = RawHttp.direct(cluster);
    this.truth = new Watcher("truth", true, false, false, null);
    for (int i = 0; i < options.watchers(); i++) {
      String selector = switch (i % 3) {
        case 0 -> null;
        case 1 -> "group=a";
        default -> "group=b";
      };
      watchers.add(new Watcher("w" + i, false, (i / 3) % 2 == 1, (i / 6) % 2 == 1, selector));
    }
  }

  /** Creates the namespace, starts the truth watcher and the watchers (waits until each has its start state). */
  public void startWatchers() throws InterruptedException {
    direct.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).serverSideApply();
    if (withTruth) {
      start(truth);
    }
    for (Watcher w : watchers) {
      start(w);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (Watcher w : concat()) {
      while (!w.started && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      if (!w.started) {
        throw new IllegalStateException(w.id + " did not start");
      }
    }
  }

  private List<Watcher> concat() {
    List<Watcher> all = new ArrayList<>(watchers);
    if (withTruth) {
      all.add(truth);
    }
    return all;
  }

  private void start(Watcher w) {
    Thread t = Thread.ofVirtual().name("gap-" + w.id).start(w::run);
    threads.add(t);
  }

  /**
   * Runs the writer on its own thread; {@code fault} (given the fault's index) runs on it after every
   * {@link Options#faultEvery} writes, with writes paused and once the truth has seen every write.
   */
  public void startWriter(IntConsumer fault) {
    writer = Thread.ofPlatform().name("gap-writer").start(() -> {
      try {
        write(fault);
      } catch (Throwable t) {
        writerFailure = t;
      }
    });
  }

  private void write(IntConsumer fault) throws InterruptedException {
    Random random = new Random(options.seed());
    Map<String, Long> model = new TreeMap<>();
    Map<String, String> groups = new HashMap<>();
    int faultsDone = 0;
    for (int i = 0; i < options.writes(); i++) {
      if (options.faultEvery() > 0 && i > 0 && i % options.faultEvery() == 0 && faultsDone < options.faults()) {
        awaitTruth(model);
        int opens = truth.opens.get();
        fault.accept(faultsDone++);
        // Writes resume only once the truth watches again (a stream it opened after the fault).
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (truth.opens.get() == opens && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
      var cms = direct.configMaps().inNamespace(namespace);
      String name = "gap-" + random.nextInt(options.objects());
      int op = random.nextInt(4);
      if (!model.containsKey(name)) {
        String g = random.nextBoolean() ? "a" : "b";
        var cm = cms.resource(new ConfigMapBuilder().withNewMetadata().withName(name).addToLabels("group", g).endMetadata()
            .addToData("i", String.valueOf(i)).build()).create();
        model.put(name, Long.parseLong(cm.getMetadata().getResourceVersion()));
        groups.put(name, g);
      } else if (op == 0) {
        cms.withName(name).delete();
        model.remove(name);
        groups.remove(name);
      } else if (op == 1) {
        String g = groups.get(name).equals("a") ? "b" : "a";
        var cm = cms.withName(name).edit(c -> new ConfigMapBuilder(c).editMetadata().addToLabels("group", g).endMetadata().build());
        model.put(name, Long.parseLong(cm.getMetadata().getResourceVersion()));
        groups.put(name, g);
      } else {
        int n = i;
        var cm = cms.withName(name).edit(c -> new ConfigMapBuilder(c).addToData("i", String.valueOf(n)).build());
        model.put(name, Long.parseLong(cm.getMetadata().getResourceVersion()));
      }
      if (random.nextInt(4) == 0) {
        Thread.sleep(random.nextInt(8));
      }
    }
    awaitTruth(model);
  }

  /** Waits until the truth watcher holds exactly the writer's model. */
  private void awaitTruth(Map<String, Long> model) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!truth.stateCopy().equals(model)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the truth watcher did not catch up with the writer: " + truth.stateCopy() + " vs " + model);
      }
      Thread.sleep(10);
    }
  }

  public void awaitWriter(Duration timeout) throws InterruptedException {
    writer.join(timeout);
    if (writer.isAlive()) {
      throw new IllegalStateException("writer still running after " + timeout);
    }
    if (writerFailure != null) {
      throw new IllegalStateException("writer failed: " + writerFailure, writerFailure);
    }
  }

  /** Waits (at most {@code settle}) until every watcher has converged, then computes the report. */
  public Report report(Duration settle) throws InterruptedException {
    long deadline = System.nanoTime() + settle.toNanos();
    Report r = compute();
    while ((r.missing() > 0 || r.stateMismatches() > 0) && System.nanoTime() < deadline) {
      Thread.sleep(250);
      r = compute();
    }
    return r;
  }

  private Report compute() {
    if (truthBroken != null) {
      throw new IllegalStateException(truthBroken);
    }
    List<Seen> truthEvents = truth.seenCopy();
    Map<String, Long> truthFinal = truth.stateCopy();
    Map<String, String> truthGroups = truth.groupsCopy();
    long expected = 0;
    long seen = 0;
    long missing = 0;
    long dup = 0;
    long reordered = 0;
    long unexpected = 0;
    long wrongType = 0;
    long collapsed = 0;
    long gone = 0;
    long other = 0;
    long reconnects = 0;
    int mismatches = 0;
    List<String> samples = new ArrayList<>();
    for (Watcher w : watchers) {
      Map<String, String> exp = expected(w, truthEvents);
      List<long[]> excused = w.excusedCopy();
      Set<String> matched = new HashSet<>();
      long prevRv = -1;
      for (Seen s : w.seenCopy()) {
        seen++;
        String key = s.name() + "@" + s.rv();
        if (s.rv() < prevRv) {
          reordered++;
          sample(samples, w.id + " reordered " + key + " after " + prevRv);
        }
        prevRv = Math.max(prevRv, s.rv());
        String type = exp.get(key);
        // Inside a range a relist collapsed (410 downstream, or Breakwater's own relist): the events are a
        // difference — an object deleted and re-created is one MODIFIED, created and updated one ADDED.
        boolean inRelist = excused(excused, s.rv());
        if (inRelist) {
          collapsed++;
        }
        if (type == null) {
          if (!inRelist) {
            unexpected++;
            sample(samples, w.id + " unexpected " + s);
          }
        } else if (!matched.add(key)) {
          if (!inRelist) { // a re-created object's DELETED + ADDED share the new object's RV
            dup++;
            sample(samples, w.id + " duplicate " + s);
          }
        } else if (!type.equals(s.type()) && !inRelist) {
          wrongType++;
          sample(samples, w.id + " " + s + " expected " + type);
        }
      }
      for (Map.Entry<String, String> e : exp.entrySet()) {
        long rv = Long.parseLong(e.getKey().substring(e.getKey().indexOf('@') + 1));
        if (!matched.contains(e.getKey()) && !excused(excused, rv)) {
          missing++;
          sample(samples, w.id + " missing " + e.getValue() + " " + e.getKey());
        }
      }
      expected += exp.size();
      Map<String, Long> want = new TreeMap<>();
      truthFinal.forEach((name, rv) -> {
        if (w.matches(truthGroups.get(name))) {
          want.put(name, rv);
        }
      });
      if (!want.equals(w.stateCopy())) {
        mismatches++;
        sample(samples, w.id + " state " + w.stateCopy() + " != upstream " + want);
      }
      gone += w.gone.get();
      other += w.otherErrors.get();
      reconnects += w.reconnects.get();
    }
    return new Report(watchers.size(), expected, seen, missing, dup, reordered, unexpected, wrongType, collapsed, gone, other,
        reconnects, mismatches, truthEvents.size(), truth.gone.get(), samples);
  }

  private static void sample(List<String> samples, String s) {
    if (samples.size() < 12) {
      samples.add(s);
    }
  }

  private static boolean excused(List<long[]> ranges, long rv) {
    for (long[] r : ranges) {
      if (rv > r[0] && rv <= r[1]) {
        return true;
      }
    }
    return false;
  }

  /** The truth's events after {@code w}'s start RV, converted by its selector: name@rv → type. */
  private static Map<String, String> expected(Watcher w, List<Seen> truthEvents) {
    Map<String, String> out = new HashMap<>();
    Map<String, String> groupOf = new HashMap<>(); // name → group; absent = no object
    Set<String> exists = new HashSet<>();
    for (Seen e : truthEvents) {
      boolean prevMatch = exists.contains(e.name()) && w.matches(groupOf.get(e.name()));
      boolean curMatch = !e.type().equals("DELETED") && w.matches(e.group());
      if (e.type().equals("DELETED")) {
        exists.remove(e.name());
        groupOf.remove(e.name());
      } else {
        exists.add(e.name());
        groupOf.put(e.name(), e.group());
      }
      if (e.rv() <= w.startRv) {
        continue;
      }
      String type = curMatch && !prevMatch ? "ADDED" : curMatch ? "MODIFIED" : prevMatch ? "DELETED" : null;
      if (type != null) {
        out.put(e.name() + "@" + e.rv(), type);
      }
    }
    return out;
  }

  @Override
  public void close() {
    stopping = true;
    for (Watcher w : concat()) {
      w.closeStream();
    }
    for (Thread t : threads) {
      t.interrupt();
    }
    direct.close();
    bwHttp.close();
    directHttp.close();
  }

  /**
   * From now on the writer and the truth watcher talk to {@code server}, another apiserver of the cluster's etcd
   * (same credentials): a fault that kills the cluster's apiserver calls this first. The truth's open stream stays
   * where it is until it ends; it reconnects from its last RV to {@code server}. Call from the fault (writer thread).
   */
  public void useDirectServer(java.net.URI server) {
    KubernetesClient old = direct;
    try {
      var config = io.fabric8.kubernetes.client.Config.fromKubeconfig(null, java.nio.file.Files.readString(cluster.kubeconfig()),
          cluster.kubeconfig().toString());
      config.setMasterUrl(server.toString());
      direct = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    directServer = server;
    old.close();
  }

  /**
   * Breakwater itself relisted over ({@code from}, {@code to}] (it was cut off from an upstream that meanwhile
   * lost the history): what happened in between reaches its watchers as the difference, so every watcher is
   * excused the events of that range (and the difference's own events, e.g. DELETED at the list RV) — but must
   * still end in the upstream's state, without a 410.
   */
  public void excuseRelist(long from, long to) {
    for (Watcher w : watchers) {
      synchronized (w) {
        w.excused.add(new long[] {from, to});
      }
    }
  }

  /** 410s the Breakwater watchers got so far. */
  public long gone410() {
    return watchers.stream().mapToLong(w -> w.gone.get()).sum();
  }

  /** Watch streams the Breakwater watchers opened so far (answered 200). */
  public long opens() {
    return watchers.stream().mapToLong(w -> w.opens.get()).sum();
  }

  /** Failures (non-200 answers other than 410, I/O errors) the Breakwater watchers had so far. */
  public long otherErrors() {
    return watchers.stream().mapToLong(w -> w.otherErrors.get()).sum();
  }

  /** One informer-like watcher: LIST or WatchList, then watches resumed from its last RV; relists after 410. */
  final class Watcher {
    final String id;
    final boolean isTruth;
    final boolean watchList;
    /** LIST and WATCH in protobuf (Breakwater's protobuf cache), else JSON. */
    final boolean protobuf;
    final String selector; // null or "group=x"
    volatile boolean started;
    volatile long startRv;
    final AtomicInteger gone = new AtomicInteger();
    final AtomicInteger otherErrors = new AtomicInteger();
    final AtomicInteger reconnects = new AtomicInteger();
    /** Watch streams opened (answered 200). */
    final AtomicInteger opens = new AtomicInteger();
    // Guarded by this.
    private final Map<String, Long> state = new TreeMap<>();
    private final Map<String, String> groups = new HashMap<>();
    private final List<Seen> seen = new ArrayList<>();
    private final List<long[]> excused = new ArrayList<>();
    private volatile InputStream stream;
    private final Random random;

    Watcher(String id, boolean isTruth, boolean watchList, boolean protobuf, String selector) {
      this.id = id;
      this.isTruth = isTruth;
      this.watchList = watchList;
      this.protobuf = protobuf;
      this.selector = selector;
      this.random = new Random(id.hashCode());
    }

    boolean matches(String group) {
      return selector == null || selector.equals("group=" + group);
    }

    synchronized Map<String, Long> stateCopy() {
      return new TreeMap<>(state);
    }

    synchronized Map<String, String> groupsCopy() {
      return new HashMap<>(groups);
    }

    synchronized List<Seen> seenCopy() {
      return new ArrayList<>(seen);
    }

    synchronized List<long[]> excusedCopy() {
      return new ArrayList<>(excused);
    }

    void closeStream() {
      InputStream s = stream;
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
    }

    private String base() {
      return (isTruth ? directServer.toString() : breakwaterUrl) + "/api/v1/namespaces/" + namespace + "/configmaps";
    }

    private HttpClient http() {
      return isTruth ? directHttp : bwHttp;
    }

    private String selectorQuery() {
      return selector == null ? "" : "&labelSelector=" + URLEncoder.encode(selector, StandardCharsets.UTF_8);
    }

    /** The RV of the last event or bookmark the current stream delivered (watcher thread). */
    private long delivered;

    void run() {
      long lastRv = 0;
      boolean first = true;
      while (!stopping) {
        try {
          if (first && watchList) {
            lastRv = stream("watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds="
                + timeout() + selectorQuery(), 0, true);
          } else if (first) {
            lastRv = relist();
            startRv = lastRv;
            started = true;
            lastRv = stream("watch=1&resourceVersion=" + lastRv + "&allowWatchBookmarks=true&timeoutSeconds=" + timeout()
                + selectorQuery(), lastRv, false);
          } else {
            lastRv = stream("watch=1&resourceVersion=" + lastRv + "&allowWatchBookmarks=true&timeoutSeconds=" + timeout()
                + selectorQuery(), lastRv, false);
          }
          first = false;
          reconnects.incrementAndGet();
        } catch (Gone g) {
          gone.incrementAndGet();
          try {
            long listRv = relist();
            synchronized (this) {
              excused.add(new long[] {g.lastRv, listRv});
            }
            lastRv = listRv;
            first = false;
          } catch (Exception e) {
            otherErrors.incrementAndGet();
            pause();
          }
        } catch (IOException | RuntimeException e) {
          if (stopping) {
            return;
          }
          // A stream that broke mid-way (its apiserver killed) resumes after what it delivered, not from where it
          // started: replaying those events would record them twice.
          if (!first) {
            lastRv = Math.max(lastRv, delivered);
          }
          otherErrors.incrementAndGet();
          pause();
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    private long timeout() {
      return 3 + random.nextInt(6);
    }

    private void pause() {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    /** A consistent LIST (in the watcher's encoding): replaces the state, returns the list RV. */
    private long relist() throws IOException, InterruptedException {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base() + "?" + selectorQuery().replaceFirst("^&", "")))
          .timeout(Duration.ofSeconds(30));
      if (protobuf) {
        req.header("Accept", "application/vnd.kubernetes.protobuf");
      }
      HttpResponse<byte[]> r = http().send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new IOException("LIST answered " + r.statusCode() + ": " + new String(r.body(), StandardCharsets.UTF_8));
      }
      Map<String, Long> listed = new TreeMap<>();
      Map<String, String> listedGroups = new HashMap<>();
      long listRv;
      if (protobuf) {
        dev.breakwater.cache.reflector.UpstreamListPage page;
        try {
          page = PROTOBUF.listPage(r.body());
        } catch (dev.breakwater.cache.reflector.FrameDecodeException e) {
          throw new IOException("undecodable protobuf LIST: " + e.getMessage(), e);
        }
        for (var o : page.items()) {
          listed.put(o.name(), o.resourceVersion());
          listedGroups.put(o.name(), o.label("group"));
        }
        listRv = page.resourceVersion();
      } else {
        JsonNode list = JSON.readTree(r.body());
        for (JsonNode item : list.path("items")) {
          String name = item.path("metadata").path("name").asText();
          listed.put(name, item.path("metadata").path("resourceVersion").asLong());
          listedGroups.put(name, item.path("metadata").path("labels").path("group").asText(null));
        }
        listRv = list.path("metadata").path("resourceVersion").asLong();
      }
      synchronized (this) {
        Map<String, Long> before = new TreeMap<>(state);
        state.clear();
        state.putAll(listed);
        groups.clear();
        groups.putAll(listedGroups);
        if (isTruth && started && !before.equals(state)) {
          truthBroken = "truth watcher lost events across a relist: " + before + " -> " + state;
          throw new IllegalStateException("truth watcher lost events across a relist: " + before + " -> " + state);
        }
      }
      return listRv;
    }

    /** Reads one watch stream to its end; returns the last RV. Throws {@link Gone} on a 410. */
    private long stream(String query, long lastRv, boolean initial) throws IOException, InterruptedException {
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base() + "?" + query));
      if (protobuf) {
        req.header("Accept", "application/vnd.kubernetes.protobuf");
      }
      HttpResponse<InputStream> r = http().send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() == 410) {
        r.body().close();
        throw new Gone(lastRv);
      }
      if (r.statusCode() != 200) {
        String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
        throw new IOException("WATCH answered " + r.statusCode() + ": " + body);
      }
      stream = r.body();
      opens.incrementAndGet();
      boolean inInitial = initial;
      Map<String, Long> initialState = inInitial ? new TreeMap<>() : null;
      Map<String, String> initialGroups = inInitial ? new HashMap<>() : null;
      try (FrameReader frames = protobuf ? new ProtobufFrameReader(r.body()) : new JsonFrameReader(r.body())) {
        Frame f;
        while ((f = frames.next()) != null) {
          switch (f.type()) {
            case "BOOKMARK" -> {
              if (inInitial && f.initialEventsEnd()) {
                synchronized (this) {
                  state.clear();
                  state.putAll(initialState);
                  groups.clear();
                  groups.putAll(initialGroups);
                }
                inInitial = false;
                startRv = f.rv();
                started = true;
              }
              lastRv = Math.max(lastRv, f.rv());
              delivered = lastRv;
            }
            case "ERROR" -> {
              if (f.errorCode() == 410) {
                throw new Gone(lastRv);
              }
              throw new IOException("watch ERROR " + f.errorCode());
            }
            case "ADDED", "MODIFIED", "DELETED" -> {
              if (inInitial) {
                initialState.put(f.name(), f.rv());
                initialGroups.put(f.name(), f.group());
                continue;
              }
              synchronized (this) {
                seen.add(new Seen(f.type(), f.name(), f.rv(), f.group()));
                if (f.type().equals("DELETED")) {
                  state.remove(f.name());
                  groups.remove(f.name());
                } else {
                  state.put(f.name(), f.rv());
                  groups.put(f.name(), f.group());
                }
              }
              lastRv = f.rv();
              delivered = lastRv;
            }
            default -> throw new IOException("unknown watch event " + f);
          }
        }
      } finally {
        stream = null;
      }
      if (inInitial) {
        throw new IOException("WatchList ended before its initial-events-end bookmark");
      }
      return lastRv;
    }
  }

  /** One watch event as the watchers need it, whatever its encoding. */
  record Frame(String type, String name, long rv, String group, boolean initialEventsEnd, int errorCode) {}

  interface FrameReader extends AutoCloseable {
    /** The next frame, null at the end of the stream. */
    Frame next() throws IOException;

    @Override
    void close() throws IOException;
  }

  /** JSON: one event per line. */
  static final class JsonFrameReader implements FrameReader {
    private final BufferedReader lines;

    JsonFrameReader(InputStream in) {
      this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    @Override
    public Frame next() throws IOException {
      String line;
      do {
        line = lines.readLine();
      } while (line != null && line.isEmpty());
      if (line == null) {
        return null;
      }
      JsonNode ev = JSON.readTree(line);
      JsonNode meta = ev.path("object").path("metadata");
      return new Frame(ev.path("type").asText(), meta.path("name").asText(), meta.path("resourceVersion").asLong(),
          meta.path("labels").path("group").asText(null),
          "true".equals(meta.path("annotations").path("k8s.io/initial-events-end").asText()),
          ev.path("object").path("code").asInt());
    }

    @Override
    public void close() throws IOException {
      lines.close();
    }
  }

  /** Protobuf: 4-byte big-endian length, then a {@code WatchEvent} — decoded with cache-core's own decoder. */
  static final class ProtobufFrameReader implements FrameReader {
    private final java.io.DataInputStream in;

    ProtobufFrameReader(InputStream in) {
      this.in = new java.io.DataInputStream(in);
    }

    @Override
    public Frame next() throws IOException {
      int n;
      try {
        n = in.readInt();
      } catch (java.io.EOFException e) {
        return null;
      }
      byte[] b = new byte[n];
      in.readFully(b);
      try {
        return switch (PROTOBUF.watchFrame(b, 0, n)) {
          case dev.breakwater.cache.reflector.WatchFrame.Event e -> new Frame(e.type().name(), e.object().name(),
              e.object().resourceVersion(), e.object().label("group"), false, 0);
          case dev.breakwater.cache.reflector.WatchFrame.Bookmark bm -> new Frame("BOOKMARK", "", bm.resourceVersion(), null,
              bm.initialEventsEnd(), 0);
          case dev.breakwater.cache.reflector.WatchFrame.Error err -> new Frame("ERROR", "", 0, null, false, err.status().code());
        };
      } catch (dev.breakwater.cache.reflector.FrameDecodeException e) {
        throw new IOException("undecodable protobuf watch frame: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  static final dev.breakwater.cache.codec.ProtobufFrames PROTOBUF =
      new dev.breakwater.cache.codec.ProtobufFrames(new dev.breakwater.cache.object.ProtobufExtractor(List.of()));

  /** A 410 (status or watch ERROR): relist. */
  static final class Gone extends RuntimeException {
    final long lastRv;

    Gone(long lastRv) {
      super("410 after RV " + lastRv, null, false, false);
      this.lastRv = lastRv;
    }
  }
}
