package dev.breakwater.proxy.http;

import dev.breakwater.proxy.upstream.Upstream;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identical concurrent LISTs that must go upstream share one upstream request (a "flight"):
 * the first request sends it, later identical ones join it, and its answer — status, headers,
 * body — is streamed to every member as it arrives. Never buffered whole: the upstream body is
 * paused while any member's write queue is full (the flight moves at the pace of its slowest
 * member, as one response would).
 *
 * <p>When semantics allow it (SEMANTICS.md, LIST): a request joins a flight only
 * <ul>
 *   <li>before the flight's response head has arrived, so every member gets the whole body, and
 *   <li>for a consistent read (no {@code resourceVersion}: must reflect every write completed
 *       before it arrived), only a flight created after the request arrived — an upstream
 *       request sent earlier might miss a write the client has already seen acknowledged.
 *       Requests with a resourceVersion (0, N, Exact, snapshot continue tokens) accept any
 *       state the same request would, so they join any flight still waiting for its head.
 * </ul>
 * "Identical" means the same path and query, byte for byte, and the same request fields that
 * shape the apiserver's answer: {@code Accept}, {@code Accept-Encoding}, the {@code Impersonate-*}
 * family and whether the User-Agent earns indented JSON (curl, Wget, browsers). Everything else a
 * client sends (kubectl's {@code Kubectl-Session}, its exact User-Agent) only labels the request,
 * and the upstream sees the first member's. Members share the upstream's {@code Audit-Id}.
 *
 * <p>Identity. With {@code --auth=none} ({@code clientCredentials} false) the upstream request
 * carries Breakwater's own credentials for everyone, as the plain pass-through does. With
 * {@code --auth=delegated} ({@code clientCredentials} true) a flight is as one client: only
 * requests of the same identity share it, and it goes upstream as that identity exactly as
 * {@link PassThroughHandler} would send it — a verified bearer token left on the request by the
 * AuthGate is forwarded unchanged (on a connection without Breakwater's client certificate) and is
 * part of the key (as its SHA-256 digest, never the credential itself); certificate, front-proxy
 * and anonymous clients carry the gate's {@code Impersonate-*} headers (part of the key) under
 * Breakwater's credentials. So one user's answer (a 200 or a 403) never reaches another user.
 *
 * <p>Failures: upstream unreachable → every member gets the 503/502 Status; upstream lost
 * mid-body → every member's response is reset (never passed off as complete); a member that
 * goes away leaves the others streaming, and the last one to leave resets the upstream request.
 *
 * <p>Threading: a flight's upstream callbacks run on its creator's context; each member's
 * response is only touched on that member's own context ({@link Context#runOnContext}, FIFO per
 * context, so chunk order holds); pause/resume decisions hop back to the flight's context. The
 * flight table is a concurrent map; membership changes under the flight's monitor.
 */
public final class ListCoalescer {

  private static final Logger LOG = LoggerFactory.getLogger(ListCoalescer.class);

  /** Request fields that change the apiserver's answer to a GET (lower case). */
  private static final Set<String> SHAPING = Set.of("accept", "accept-encoding");

  private final Vertx vertx;
  private final Upstream upstream;
  /** {@code --auth=delegated}: forward a client's own {@code Authorization} (see the class comment). */
  private final boolean clientCredentials;
  private final Map<String, Flight> flights = new ConcurrentHashMap<>();

  /** With Breakwater's own credentials for every flight ({@code --auth=none}). */
  public ListCoalescer(Vertx vertx, Upstream upstream) {
    this(vertx, upstream, false);
  }

  /** @param clientCredentials true with {@code --auth=delegated}: flights per identity, sent as that identity */
  public ListCoalescer(Vertx vertx, Upstream upstream, boolean clientCredentials) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.clientCredentials = clientCredentials;
  }

  /** Flights waiting for or streaming an answer (for tests and metrics). */
  public int flightsInProgress() {
    return flights.size();
  }

  /**
   * Sends {@code req} upstream, or attaches it to an identical flight it may join.
   *
   * @param arrivalNanos when the request arrived ({@link System#nanoTime})
   * @param consistent whether the request is a consistent read (no resourceVersion)
   * @return true when it joined an existing flight (no new upstream request)
   */
  public boolean handle(HttpServerRequest req, long arrivalNanos, boolean consistent) {
    req.pause();
    String key = key(req, clientCredentials);
    Member member = new Member(req, vertx.getOrCreateContext());
    while (true) {
      Flight existing = flights.get(key);
      if (existing != null && existing.join(member, arrivalNanos, consistent)) {
        member.attached(existing);
        return true;
      }
      Flight created = new Flight(key, req, member);
      if (existing == null ? flights.putIfAbsent(key, created) == null : flights.replace(key, existing, created)) {
        member.attached(created);
        created.send();
        return false;
      }
      // Lost a race with another creator: look again.
    }
  }

  /** The coalescing key with Breakwater's identity for everyone ({@code --auth=none}). */
  static String key(HttpServerRequest req) {
    return key(req, false);
  }

  /**
   * The coalescing key: method, path and query, the answer-shaping request fields, and — with
   * {@code clientCredentials} — the client's identity: the SHA-256 digest of its
   * {@code Authorization} (the {@code Impersonate-*} family is in the key in both modes).
   */
  static String key(HttpServerRequest req, boolean clientCredentials) {
    StringBuilder k = new StringBuilder(req.method().name()).append(' ').append(req.uri());
    String authorization = clientCredentials ? req.getHeader("Authorization") : null;
    k.append("\nidentity: ").append(authorization == null ? "-" : dev.breakwater.cache.auth.BearerToken.digest(authorization));
    Map<String, List<String>> shaping = new TreeMap<>();
    for (Map.Entry<String, String> e : req.headers()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (SHAPING.contains(name) || name.startsWith("impersonate-")) {
        shaping.computeIfAbsent(name, n -> new ArrayList<>()).add(e.getValue());
      }
    }
    shaping.forEach((name, values) -> k.append('\n').append(name).append(": ").append(String.join(", ", values)));
    String ua = req.getHeader("User-Agent");
    boolean prettyAgent = ua != null && (ua.startsWith("curl") || ua.startsWith("Wget") || ua.startsWith("Mozilla/5.0"));
    return k.append("\npretty-agent: ").append(prettyAgent).toString();
  }

  /** One client waiting for or receiving a flight's answer; its response is touched on {@code ctx} only. */
  private static final class Member {
    final HttpServerRequest req;
    final HttpServerResponse resp;
    final Context ctx;
    /** Set on ctx when the client went away or its response was finished. */
    boolean done;

    Member(HttpServerRequest req, Context ctx) {
      this.req = req;
      this.resp = req.response();
      this.ctx = ctx;
    }

    void attached(Flight flight) {
      resp.closeHandler(v -> {
        done = true;
        flight.leave(this);
      });
      // A LIST has no body; let the request complete so the connection can be reused.
      req.resume();
    }
  }

  /** One upstream request and the members sharing its answer. */
  private final class Flight {
    final String key;
    final HttpServerRequest first;
    final Context ctx;
    final long createdNanos = System.nanoTime();
    /** Guarded by this. */
    final List<Member> members = new ArrayList<>();
    /** Guarded by this: no one joins once the head is in (they would miss bytes). */
    boolean headReceived;
    /** Confined to ctx: members whose write queue is full. */
    final Set<Member> blocked = new HashSet<>();
    HttpClientRequest creq;
    HttpClientResponse cresp;
    boolean finished;
    /** Confined to ctx: the client's bearer token this flight was sent with, or null for Breakwater's credentials. */
    String clientToken;

    Flight(String key, HttpServerRequest first, Member creator) {
      this.key = key;
      this.first = first;
      this.ctx = creator.ctx;
      members.add(creator);
    }

    synchronized boolean join(Member m, long arrivalNanos, boolean consistent) {
      if (headReceived || finished || members.isEmpty()) {
        return false;
      }
      if (consistent && createdNanos - arrivalNanos < 0) {
        return false; // sent before this request arrived: might predate a write it must see
      }
      members.add(m);
      return true;
    }

    synchronized List<Member> snapshot() {
      return new ArrayList<>(members);
    }

    void leave(Member m) {
      boolean last;
      synchronized (this) {
        members.remove(m);
        last = members.isEmpty();
      }
      ctx.runOnContext(v -> {
        blocked.remove(m);
        if (last) {
          flights.remove(key, this);
          if (creq != null && !finished) {
            creq.reset();
          }
        } else if (cresp != null && blocked.isEmpty()) {
          cresp.resume();
        }
      });
    }

    /** Runs on ctx (the creator's request handler). */
    void send() {
      upstream.count("passthrough");
      RequestOptions options = new RequestOptions()
          .setMethod(HttpMethod.GET)
          .setURI(first.uri()) // below the endpoint's base path: Upstream.request fills in the endpoint
          .setFollowRedirects(false);
      MultiMap headers = MultiMap.caseInsensitiveMultiMap();
      Headers.copyRequestHeaders(first.headers(), headers);
      headers.remove("Content-Length");
      // As PassThroughHandler: the client's verified token (delegated), else Breakwater's own.
      clientToken = clientCredentials ? first.getHeader("Authorization") : null;
      String authorization = clientToken != null ? clientToken : upstream.credentials().authorization();
      if (authorization != null) {
        headers.set("Authorization", authorization);
      }
      options.setHeaders(headers);
      upstream.request(clientToken != null ? upstream.bearerHttp() : upstream.http(), options).onComplete(ar -> {
        if (ar.failed()) {
          fail(ar.cause());
          return;
        }
        creq = ar.result();
        creq.response().onComplete(rr -> {
          if (rr.failed()) {
            fail(rr.cause());
            return;
          }
          head(rr.result());
        });
        creq.end();
      });
    }

    private void fail(Throwable cause) {
      List<Member> all = close();
      for (Member m : all) {
        m.ctx.runOnContext(v -> {
          if (!m.done) {
            m.done = true;
            UpstreamErrors.answer(m.resp, upstream.server().toString(), cause);
          }
        });
      }
    }

    /** No more joins; the flight leaves the table so later requests start their own. */
    private List<Member> close() {
      List<Member> all;
      synchronized (this) {
        headReceived = true;
        all = new ArrayList<>(members);
      }
      flights.remove(key, this);
      return all;
    }

    private void head(HttpClientResponse response) {
      cresp = response;
      List<Member> all = close();
      if (all.isEmpty()) {
        finished = true;
        creq.reset();
        return;
      }
      if (response.statusCode() == 401 && clientToken == null) {
        vertx.executeBlocking(() -> {
          upstream.credentials().refreshIfDue(true);
          return null;
        }, false);
      }
      MultiMap respHeaders = MultiMap.caseInsensitiveMultiMap();
      Headers.copyResponseHeaders(response.headers(), respHeaders);
      int status = response.statusCode();
      String message = response.statusMessage();
      for (Member m : all) {
        m.ctx.runOnContext(v -> {
          if (m.done) {
            return;
          }
          m.resp.setStatusCode(status);
          if (m.req.version() != HttpVersion.HTTP_2 && message != null) {
            m.resp.setStatusMessage(message);
          }
          m.resp.headers().addAll(respHeaders);
          if (m.req.version() != HttpVersion.HTTP_2 && !m.resp.headers().contains("Content-Length")) {
            m.resp.setChunked(true);
          }
        });
      }
      response.handler(chunk -> {
        for (Member m : snapshot()) {
          m.ctx.runOnContext(v -> write(m, chunk));
        }
      });
      response.exceptionHandler(err -> {
        if (finished) {
          return;
        }
        finished = true;
        LOG.debug("upstream response failed mid-body ({}); resetting {} coalesced {}", err.toString(), all.size(), first.uri());
        for (Member m : snapshot()) {
          m.ctx.runOnContext(v -> {
            if (!m.done) {
              m.done = true;
              m.resp.reset();
            }
          });
        }
      });
      response.endHandler(v -> {
        finished = true;
        for (Member m : snapshot()) {
          m.ctx.runOnContext(x -> {
            if (!m.done) {
              m.done = true;
              m.resp.end();
            }
          });
        }
      });
    }

    /** On the member's context. */
    private void write(Member m, Buffer chunk) {
      if (m.done) {
        return;
      }
      m.resp.write(chunk);
      if (m.resp.writeQueueFull()) {
        ctx.runOnContext(v -> {
          blocked.add(m);
          cresp.pause();
        });
        m.resp.drainHandler(d -> ctx.runOnContext(v -> {
          blocked.remove(m);
          if (blocked.isEmpty()) {
            cresp.resume();
          }
        }));
      }
    }
  }
}
