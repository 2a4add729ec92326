package dev.mnemograph.api.graph;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shortest path between two memories: breadth-first from both ends at once, one whole level per read
 * ({@link Steps}, one indexed query), always growing the smaller frontier, so that the two searches meet in
 * the middle after reading about the square root of what a one-sided search reads, and a hub on one side is
 * left to the other side to reach.
 *
 * <p>Exact: once the searches have met, no shorter path exists (every node of a shorter one would already
 * have been reached by one side at the depth it holds). Among the shortest paths it takes the one whose
 * confidences multiply to the most (each side keeps, per memory, its best parent of the level before).
 * Bounded: a frontier larger than {@code maxFrontier} is not expanded, and a read may leave steps out
 * ({@link StepBatch#cut()}); either way the answer says {@code truncated}.
 */
public final class ShortestPath {

  /** Which way a read walks the relationships: away from the source, or back from the target. */
  public enum Direction { FORWARD, BACKWARD }

  /** One walkable relationship at a frontier memory {@code from}, reaching {@code to}. */
  public record Step(String from, String to, GraphEdge edge) {
  }

  /**
   * @param cut whether a bound of the read left steps out (a hub's weakest relationships, or the level's
   *            excess)
   */
  public record StepBatch(List<Step> steps, boolean cut) {
  }

  /** The steps of every memory of a frontier, in one direction. */
  @FunctionalInterface
  public interface Steps {
    Future<StepBatch> read(Direction direction, List<String> frontier);
  }

  /** A side's best way to a memory: its parent one level nearer that side's end, and the product so far. */
  private record Reached(String parent, GraphEdge edge, double confidence) {
  }

  /** Better first: more confident, then by names, so that equal paths always come out the same. */
  private static final Comparator<Step> ORDER = Comparator.<Step>comparingDouble(s -> -s.edge().confidence())
      .thenComparing(Step::from).thenComparing(s -> s.edge().relationshipType())
      .thenComparing(s -> s.edge().sourceMemoryId());

  private final Steps steps;
  private final int maxFrontier;

  public ShortestPath(Steps steps, int maxFrontier) {
    if (maxFrontier < 1) {
      throw new IllegalArgumentException("maxFrontier must be at least 1, got " + maxFrontier);
    }
    this.steps = steps;
    this.maxFrontier = maxFrontier;
  }

  /** Both memories must exist; that is the caller's to check. */
  public Future<MemoryPath> find(String source, String target, int maxDepth) {
    if (source.equals(target)) {
      return Future.succeededFuture(new MemoryPath(List.of(source), List.of(), false));
    }
    return level(new Side(Direction.FORWARD, source), new Side(Direction.BACKWARD, target), maxDepth, false);
  }

  private Future<MemoryPath> level(Side forward, Side backward, int maxDepth, boolean cut) {
    if (forward.depth + backward.depth >= maxDepth) {
      return Future.succeededFuture(MemoryPath.none(cut));
    }
    Side side = forward.frontier.size() <= backward.frontier.size() ? forward : backward;
    Side other = side == forward ? backward : forward;
    if (side.frontier.isEmpty()) {   // that end's whole reach is known: nothing more to find
      return Future.succeededFuture(MemoryPath.none(cut));
    }
    if (side.frontier.size() > maxFrontier) {
      return Future.succeededFuture(MemoryPath.none(true));
    }
    return steps.read(side.direction, side.frontier).compose(batch -> {
      boolean cutNow = cut || batch.cut();
      side.advance(batch.steps());
      String meet = null;
      double best = -1;
      for (String m : side.frontier) {   // sorted, so the first of equals wins
        Reached there = other.reached.get(m);
        if (there != null) {
          double product = side.reached.get(m).confidence() * there.confidence();
          if (product > best) {
            best = product;
            meet = m;
          }
        }
      }
      return meet != null ? Future.succeededFuture(join(forward, backward, meet, cutNow))
          : level(forward, backward, maxDepth, cutNow);
    });
  }

  private static MemoryPath join(Side forward, Side backward, String meet, boolean cut) {
    List<String> path = new ArrayList<>();
    List<GraphEdge> edges = new ArrayList<>();
    for (String m = meet; m != null; m = forward.reached.get(m).parent()) {
      path.add(m);
      Reached r = forward.reached.get(m);
      if (r.edge() != null) {
        edges.add(r.edge());
      }
    }
    Collections.reverse(path);
    Collections.reverse(edges);
    for (Reached r = backward.reached.get(meet); r.parent() != null; r = backward.reached.get(r.parent())) {
      path.add(r.parent());
      edges.add(r.edge());
    }
    return new MemoryPath(path, edges, cut);
  }

  /** One end's search: every memory it reached with its best parent, and the last level reached. */
  private static final class Side {
    final Direction direction;
    final Map<String, Reached> reached = new HashMap<>();
    List<String> frontier;
    int depth;

    Side(Direction direction, String start) {
      this.direction = direction;
      reached.put(start, new Reached(null, null, 1.0));
      frontier = List.of(start);
    }

    /** The next level: memories not reached before, each through its best step. */
    void advance(List<Step> read) {
      Map<String, Step> best = new HashMap<>();
      for (Step s : read) {
        Reached from = reached.get(s.from());
        if (from == null || reached.containsKey(s.to())) {
          continue;
        }
        Step current = best.get(s.to());
        if (current == null || better(s, current)) {
          best.put(s.to(), s);
        }
      }
      List<String> next = new ArrayList<>(best.keySet());
      Collections.sort(next);
      for (String m : next) {
        Step s = best.get(m);
        reached.put(m, new Reached(s.from(), s.edge(), reached.get(s.from()).confidence() * s.edge().confidence()));
      }
      frontier = next;
      depth++;
    }

    private boolean better(Step candidate, Step current) {
      double a = reached.get(candidate.from()).confidence() * candidate.edge().confidence();
      double b = reached.get(current.from()).confidence() * current.edge().confidence();
      return a != b ? a > b : ORDER.compare(candidate, current) < 0;
    }
  }
}
