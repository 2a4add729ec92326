package dev.mnemograph.api.memory;

import dev.mnemograph.memory.Memory;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The access events of the detail view (GET /memories/{id}, memory_get_detail), counted on the API node and
 * written to PostgreSQL by one statement every {@link #FLUSH_INTERVAL}, so that a detail read is a read: an
 * UPDATE per GET (a new row version, its WAL and commit) was half of PostgreSQL's work per GET.
 *
 * <p>Every answer of this node is exact: it is the stored memory plus this node's events not yet written,
 * its own included. That holds because a memory's events are written only while no read of it is in flight
 * here, and a read that comes while they are being written waits for that write (a few milliseconds), so that
 * no read can see them both in the database and still pending. Lists, search and other nodes see the events
 * once written, within {@link #FLUSH_INTERVAL}. A memory read without pause is still written: after
 * {@link #LONGEST_WAIT} its new reads wait until the write is done. A crash of the node forgets the events
 * of its last interval, nothing else; a stopping node writes what it holds.
 */
public final class AccessEvents {
  private static final Logger LOG = LoggerFactory.getLogger(AccessEvents.class);

  public static final Duration FLUSH_INTERVAL = Duration.ofMillis(200);
  static final Duration LONGEST_WAIT = Duration.ofSeconds(2);

  /** A batch of events in one statement. */
  private static final String WRITE = """
      UPDATE memory m SET access_count = m.access_count + a.n,
                          last_accessed_at = greatest(m.last_accessed_at, a.at)
        FROM unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[]) AS a(workspace_id, memory_id, n, at)
       WHERE m.workspace_id = a.workspace_id AND m.memory_id = a.memory_id""";

  /** What a node's answer adds to the stored memory: events not yet written, and the latest one's time. */
  public record Unwritten(int count, OffsetDateTime latest) {
    static final Unwritten NONE = new Unwritten(0, null);

    /** The memory as this node's events make it. */
    public Memory applyTo(Memory m) {
      if (count == 0) {
        return m;
      }
      return m.withAccess(m.accessCount() + count, later(m.lastAccessedAt(), latest));
    }
  }

  private record Key(String workspaceId, String memoryId) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = workspaceId.compareTo(o.workspaceId);
      return c != 0 ? c : memoryId.compareTo(o.memoryId);
    }
  }

  /** One memory's state on this node; guarded by the AccessEvents' monitor. */
  private static final class Entry {
    int unwritten;
    OffsetDateTime latest;
    long firstUnwrittenNanos;
    int readers;
    /** Set while its events are written, or wait to be (a memory read without pause): new reads wait for it. */
    Promise<Void> gate;
    int inWrite;
    OffsetDateTime inWriteLatest;

    boolean idle() {
      return unwritten == 0 && readers == 0 && gate == null;
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Map<Key, Entry> entries = new HashMap<>();
  private long timer = -1;
  private boolean writing;
  private boolean closed;

  public AccessEvents(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Writes every {@link #FLUSH_INTERVAL} from now on. */
  public AccessEvents start() {
    timer = vertx.setPeriodic(FLUSH_INTERVAL.toMillis(), id -> flush());
    return this;
  }

  /**
   * Runs {@code read}, a read of one memory that does not write this node's events of it, and answers its
   * result with them applied. With {@code access} the read is itself an access event (if it finds the
   * memory): counted in the answer, written later.
   */
  public <T> Future<T> read(String workspaceId, String memoryId, boolean access, Supplier<Future<T>> read,
                            BiFunction<T, Unwritten, T> apply) {
    Key key = new Key(workspaceId, memoryId);
    return admit(key).compose(v -> read.get().transform(ar -> {
      Unwritten u = done(key, access && ar.succeeded());
      return ar.succeeded() ? Future.succeededFuture(apply.apply(ar.result(), u)) : Future.failedFuture(ar.cause());
    }));
  }

  /** Counts a read in, once no write of the memory's events is under way. */
  private Future<Void> admit(Key key) {
    Future<Void> wait;
    synchronized (this) {
      Entry e = entries.computeIfAbsent(key, k -> new Entry());
      if (e.gate == null) {
        e.readers++;
        return Future.succeededFuture();
      }
      wait = e.gate.future();
    }
    return wait.compose(v -> admit(key));
  }

  private Unwritten done(Key key, boolean access) {
    Unwritten u;
    boolean gateWaits;
    synchronized (this) {
      Entry e = entries.get(key);
      e.readers--;
      if (access) {
        if (e.unwritten == 0) {
          e.firstUnwrittenNanos = System.nanoTime();
        }
        e.unwritten++;
        e.latest = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
      }
      u = e.unwritten == 0 ? Unwritten.NONE : new Unwritten(e.unwritten, e.latest);
      gateWaits = e.readers == 0 && e.gate != null;
      if (e.idle()) {
        entries.remove(key);
      }
    }
    if (gateWaits) {
      flush();   // its reads were held back for this write
    }
    return u;
  }

  /**
   * Writes the events of every memory with no read in flight, in one statement; one write at a time. A
   * memory whose events have waited {@link #LONGEST_WAIT} takes no new reads until they are written.
   */
  public Future<Void> flush() {
    List<Map.Entry<Key, Entry>> batch = new ArrayList<>();
    synchronized (this) {
      if (writing) {
        return Future.succeededFuture();   // the timer's next tick writes what this one would have
      }
      long now = System.nanoTime();
      for (Map.Entry<Key, Entry> me : entries.entrySet()) {
        Entry e = me.getValue();
        if (e.unwritten == 0) {
          continue;
        }
        if (e.readers > 0) {
          if (e.gate == null && now - e.firstUnwrittenNanos > LONGEST_WAIT.toNanos()) {
            e.gate = Promise.promise();   // no new reads; the last reader's done() flushes again
          }
          continue;
        }
        if (e.gate == null) {
          e.gate = Promise.promise();
        }
        e.inWrite = e.unwritten;
        e.inWriteLatest = e.latest;
        e.unwritten = 0;
        batch.add(Map.entry(me.getKey(), e));
      }
      if (batch.isEmpty()) {
        return Future.succeededFuture();
      }
      writing = true;
    }
    return write(batch).onComplete(ar -> {
      List<Promise<Void>> gates = new ArrayList<>(batch.size());
      synchronized (this) {
        for (Map.Entry<Key, Entry> me : batch) {
          Entry e = me.getValue();
          if (ar.failed()) {   // kept for the next flush
            e.unwritten += e.inWrite;
            e.latest = later(e.latest, e.inWriteLatest);
          }
          e.inWrite = 0;
          gates.add(e.gate);
          e.gate = null;
          if (e.idle()) {
            entries.remove(me.getKey());
          }
        }
        writing = false;
      }
      gates.forEach(Promise::complete);
      if (ar.failed()) {
        LOG.warn("Could not write the access events of {} memories (kept for the next try): {}", batch.size(),
            ar.cause().getMessage());
      }
    });
  }

  /** The batch in key order, so that two writers lock the rows in the same order. */
  private Future<Void> write(List<Map.Entry<Key, Entry>> batch) {
    batch.sort(Map.Entry.comparingByKey());
    String[] workspaces = new String[batch.size()];
    String[] memories = new String[batch.size()];
    Integer[] counts = new Integer[batch.size()];
    OffsetDateTime[] latest = new OffsetDateTime[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      Key k = batch.get(i).getKey();
      Entry e = batch.get(i).getValue();
      workspaces[i] = k.workspaceId();
      memories[i] = k.memoryId();
      counts[i] = e.inWrite;
      latest[i] = e.inWriteLatest;
    }
    return pool.preparedQuery(WRITE).execute(Tuple.of(workspaces, memories, counts, latest)).mapEmpty();
  }

  /** The later of two times, either of which may be null. */
  private static OffsetDateTime later(OffsetDateTime a, OffsetDateTime b) {
    return a == null || b != null && b.isAfter(a) ? b : a;
  }

  /** Stops the timer and writes what this node holds (once the write under way, if any, is done). */
  public Future<Void> close() {
    synchronized (this) {
      if (!closed) {
        closed = true;
        vertx.cancelTimer(timer);
      }
    }
    return flushAll(20);
  }

  private Future<Void> flushAll(int tries) {
    boolean more;
    synchronized (this) {
      more = entries.values().stream().anyMatch(e -> e.unwritten > 0 || e.inWrite > 0);
    }
    if (!more || tries == 0) {
      return Future.succeededFuture();
    }
    Promise<Void> pause = Promise.promise();
    vertx.setTimer(10, id -> pause.complete());
    return flush().transform(ar -> pause.future()).compose(v -> flushAll(tries - 1));
  }
}
