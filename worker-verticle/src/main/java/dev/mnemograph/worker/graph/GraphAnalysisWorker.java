package dev.mnemograph.worker.graph;

import dev.mnemograph.config.AppConfig;
import dev.mnemograph.graph.WorkspaceGraph;
import dev.mnemograph.worker.metrics.WorkerMetrics;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Runs the graph analysis of workspaces that are due ({@link WorkspaceGraph}): load, PageRank and communities
 * on a worker thread, write-back with learned importance. One run at a time in this process; the lease in
 * {@code workspace_graph} keeps it to one run per workspace across processes. Runs on its verticle's event
 * loop, so its state needs no locks.
 */
public final class GraphAnalysisWorker {
  private static final Logger LOG = LoggerFactory.getLogger(GraphAnalysisWorker.class);
  /** Longer than any run measured (100,000 memories: GraphBenchmark); a run past it may be taken over. */
  public static final Duration LEASE = Duration.ofMinutes(10);

  private final WorkspaceGraph state;
  private final GraphStore store;
  private final WorkerExecutor cpu;
  private final String workerId;
  private final Duration delay;
  private final Duration longestWait;
  private final Duration interval;
  private final WorkerMetrics metrics;
  private boolean running;
  private boolean stopped;

  /**
   * When a workspace is due (see {@link WorkspaceGraph#claimDue}).
   *
   * @param delay       quiet time after a graph change before the workspace is analysed
   * @param longestWait the longest a change waits while the graph keeps changing (and the wait after a failed run)
   * @param interval    every workspace is analysed again after this long
   */
  public record Schedule(Duration delay, Duration longestWait, Duration interval) {
    public static Schedule from(AppConfig config) {
      return new Schedule(config.graphAnalysisDelay(), config.graphAnalysisMaxWait(), config.graphAnalysisInterval());
    }

    /** How often to look for a due workspace: half the delay, between 100 ms and 2 s. */
    public Duration pollInterval() {
      return Duration.ofMillis(Math.max(100, Math.min(2_000, delay.toMillis() / 2)));
    }
  }

  /** The timings of one run, in milliseconds. */
  public record Timings(long load, long pagerank, long communities, long write, long total) {
  }

  /** What one run did. */
  public record Report(String workspaceId, int nodes, int pairs, int communities, int written, Timings timings) {
  }

  public GraphAnalysisWorker(WorkspaceGraph state, GraphStore store, WorkerExecutor cpu, String workerId,
                             Schedule schedule, WorkerMetrics metrics) {
    this.metrics = metrics;
    this.state = state;
    this.store = store;
    this.cpu = cpu;
    this.workerId = workerId;
    this.delay = schedule.delay();
    this.longestWait = schedule.longestWait();
    this.interval = schedule.interval();
  }

  /** Runs due workspaces one after another until none is due; a call while running is a no-op. */
  public void poll() {
    if (running || stopped) {
      return;
    }
    running = true;
    state.claimDue(workerId, LEASE, delay, longestWait, interval)
        .compose(claimed -> claimed.isEmpty() ? Future.succeededFuture(false)
            : run(claimed.get()).map(true))
        .onComplete(r -> {
          running = false;
          if (r.failed()) {
            LOG.warn("Graph analysis poll failed: {}", r.cause().toString());
          } else if (r.result()) {
            poll();
          }
        });
  }

  public void stop() {
    stopped = true;
  }

  /** A failed run is recorded and answers null: the poll goes on with the next workspace. */
  private Future<Report> run(WorkspaceGraph.Run run) {
    long started = System.nanoTime();
    return analyse(store, cpu, run.workspaceId())
        .compose(report -> state.finish(run, workerId, new WorkspaceGraph.Outcome(report.timings().total(),
                report.nodes(), report.pairs(), report.communities()))
            .map(report))
        .onSuccess(r -> metrics.graphRun(r.timings().load(), r.timings().pagerank(), r.timings().communities(),
            r.timings().write(), r.timings().total()))
        .onSuccess(r -> LOG.info("Graph of {} analysed: {} memories, {} connected pairs, {} communities, {} "
                + "memories updated in {} ms (load {}, PageRank {}, communities {}, write-back {})",
            r.workspaceId(), r.nodes(), r.pairs(), r.communities(), r.written(), r.timings().total(),
            r.timings().load(), r.timings().pagerank(), r.timings().communities(), r.timings().write()))
        .recover(e -> {
          LOG.warn("Graph analysis of {} failed (tried again after {} s): {}", run.workspaceId(),
              longestWait.toSeconds(), e.toString());
          return state.fail(run, workerId, (System.nanoTime() - started) / 1_000_000, e.toString()).map(v -> null);
        });
  }

  /** One analysis of the workspace, start to finish (the benchmark calls this too). */
  public static Future<Report> analyse(GraphStore store, WorkerExecutor cpu, String workspaceId) {
    long t0 = System.nanoTime();
    return store.load(workspaceId).compose(net -> {
      long t1 = System.nanoTime();
      return cpu.executeBlocking(() -> {
        double[] pagerank = GraphAnalysis.pagerank(net);
        long t2 = System.nanoTime();
        int[] community = GraphAnalysis.communities(net);
        List<String> names = CommunityLabels.of(net, community);
        String[] labels = new String[net.nodes()];
        for (int v = 0; v < labels.length; v++) {
          labels[v] = community[v] < 0 ? null : names.get(community[v]);
        }
        return new Computed(pagerank, labels, names.size(), t2, System.nanoTime());
      }, false).compose(c -> store.write(workspaceId, net.memoryIds(), c.pagerank(), c.labels()).map(written -> {
        long t4 = System.nanoTime();
        return new Report(workspaceId, net.nodes(), net.pairs(), c.communities(), written,
            new Timings(ms(t1 - t0), ms(c.pagerankDone() - t1), ms(c.communitiesDone() - c.pagerankDone()),
                ms(t4 - c.communitiesDone()), ms(t4 - t0)));
      }));
    });
  }

  private record Computed(double[] pagerank, String[] labels, int communities, long pagerankDone,
                          long communitiesDone) {
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }
}
