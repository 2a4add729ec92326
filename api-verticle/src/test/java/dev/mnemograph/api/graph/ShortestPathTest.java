package dev.mnemograph.api.graph;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search alone, over graphs held in memory (the reads are what {@link GraphRepository} does in SQL). */
class ShortestPathTest {

  /** A stored relationship. */
  private record Stored(String source, String target, String type, double confidence, boolean bidirectional) {
    GraphEdge edge() {
      return new GraphEdge(source, target, type, confidence);
    }
  }

  /** The walkable steps of a frontier, as FORWARD_STEPS and BACKWARD_STEPS read them; {@code cut} never. */
  private static final class Graph implements ShortestPath.Steps {
    final List<Stored> edges = new ArrayList<>();
    int reads;

    Graph edge(String source, String target, String type, double confidence, boolean bidirectional) {
      edges.add(new Stored(source, target, type, confidence, bidirectional));
      return this;
    }

    Graph edge(String source, String target) {
      return edge(source, target, "depends_on", 1.0, false);
    }

    @Override
    public Future<ShortestPath.StepBatch> read(ShortestPath.Direction direction, List<String> frontier) {
      reads++;
      boolean forward = direction == ShortestPath.Direction.FORWARD;
      List<ShortestPath.Step> out = new ArrayList<>();
      for (String f : frontier) {
        for (Stored e : edges) {
          String along = forward ? e.source() : e.target();   // walked as stored
          String against = forward ? e.target() : e.source(); // walked backwards: bidirectional only
          if (along.equals(f)) {
            out.add(new ShortestPath.Step(f, forward ? e.target() : e.source(), e.edge()));
          } else if (against.equals(f) && e.bidirectional()) {
            out.add(new ShortestPath.Step(f, forward ? e.source() : e.target(), e.edge()));
          }
        }
      }
      return Future.succeededFuture(new ShortestPath.StepBatch(out, false));
    }

    /** Plain one-sided breadth-first search: the length of a shortest walkable path, or -1. */
    int distance(String from, String to) {
      Map<String, Integer> seen = new HashMap<>(Map.of(from, 0));
      ArrayDeque<String> queue = new ArrayDeque<>(List.of(from));
      while (!queue.isEmpty()) {
        String m = queue.poll();
        if (m.equals(to)) {
          return seen.get(m);
        }
        for (Stored e : edges) {
          String next = e.source().equals(m) ? e.target() : e.bidirectional() && e.target().equals(m) ? e.source() : null;
          if (next != null && !seen.containsKey(next)) {
            seen.put(next, seen.get(m) + 1);
            queue.add(next);
          }
        }
      }
      return -1;
    }

    boolean walkable(String from, String to, GraphEdge edge) {
      return edges.stream().anyMatch(e -> e.edge().equals(edge)
          && ((e.source().equals(from) && e.target().equals(to))
          || (e.bidirectional() && e.source().equals(to) && e.target().equals(from))));
    }
  }

  private static MemoryPath find(Graph g, String from, String to, int maxDepth) {
    return new ShortestPath(g, 5_000).find(from, to, maxDepth).await();
  }

  @Test
  void a_chain_is_found_with_its_edges_in_path_order() {
    Graph g = new Graph().edge("a", "b").edge("b", "c").edge("c", "d");

    MemoryPath p = find(g, "a", "d", 5);

    assertEquals(List.of("a", "b", "c", "d"), p.path());
    assertEquals(3, p.depth());
    assertEquals(List.of(new GraphEdge("a", "b", "depends_on", 1.0), new GraphEdge("b", "c", "depends_on", 1.0),
        new GraphEdge("c", "d", "depends_on", 1.0)), p.edges());
    assertFalse(p.truncated());
  }

  @Test
  void a_directed_edge_is_not_walked_backwards_and_a_bidirectional_one_is() {
    Graph directed = new Graph().edge("a", "b");
    Graph both = new Graph().edge("a", "b", "related_to", 0.7, true);

    assertEquals(List.of(), find(directed, "b", "a", 5).path());
    assertEquals(List.of("b", "a"), find(both, "b", "a", 5).path());
    assertEquals(List.of(new GraphEdge("a", "b", "related_to", 0.7)), find(both, "b", "a", 5).edges(),
        "shown as stored");
  }

  @Test
  void nothing_within_max_depth_is_the_empty_answer() {
    Graph g = new Graph().edge("a", "b").edge("b", "c").edge("c", "d");

    MemoryPath p = find(g, "a", "d", 2);

    assertEquals(List.of(), p.path());
    assertEquals(List.of(), p.edges());
    assertEquals(0, p.depth());
    assertEquals(3, find(g, "a", "d", 3).depth());
  }

  @Test
  void a_memory_to_itself_is_a_path_of_one() {
    MemoryPath p = find(new Graph(), "a", "a", 5);

    assertEquals(List.of("a"), p.path());
    assertEquals(0, p.depth());
  }

  @Test
  void of_parallel_edges_the_most_confident_is_shown() {
    Graph g = new Graph().edge("a", "b", "references", 0.4, false).edge("a", "b", "depends_on", 0.9, false)
        .edge("b", "a", "similar_to", 0.6, true);

    assertEquals(List.of(new GraphEdge("a", "b", "depends_on", 0.9)), find(g, "a", "b", 5).edges());
  }

  @Test
  void of_two_shortest_paths_the_more_confident_one_wins() {
    Graph g = new Graph().edge("s", "x", "depends_on", 0.5, false).edge("x", "t", "depends_on", 0.5, false)
        .edge("s", "y", "depends_on", 0.9, false).edge("y", "t", "depends_on", 0.8, false)
        .edge("s", "z", "depends_on", 1.0, false).edge("z", "w", "depends_on", 1.0, false)
        .edge("w", "t", "depends_on", 1.0, false);

    assertEquals(List.of("s", "y", "t"), find(g, "s", "t", 5).path(), "shortest first, then most confident");
  }

  @Test
  void a_hub_is_left_to_the_other_side() {
    Graph g = new Graph().edge("s", "hub").edge("hub", "t");
    for (int i = 0; i < 500; i++) {
      g.edge("s", "leaf" + i);
    }

    MemoryPath p = find(g, "s", "t", 5);

    assertEquals(List.of("s", "hub", "t"), p.path());
    assertEquals(2, g.reads, "one read from each end");
  }

  @Test
  void a_frontier_past_the_bound_stops_the_search_and_says_so() {
    Graph g = new Graph().edge("t0", "t");
    for (int i = 0; i < 20; i++) {
      g.edge("s", "a" + i);
      g.edge("b" + i, "t0");
      for (int j = 0; j < 20; j++) {
        g.edge("a" + i, "a" + i + "-" + j);
        g.edge("b" + i + "-" + j, "b" + i);
      }
    }

    MemoryPath p = new ShortestPath(g, 30).find("s", "t", 10).await();

    assertEquals(List.of(), p.path());
    assertTrue(p.truncated());
    assertEquals(true, p.toJson().getBoolean("truncated"));
    assertFalse(find(g, "s", "t", 10).toJson().containsKey("truncated"), "only said when true");
  }

  @Test
  void matches_a_plain_breadth_first_search_on_random_graphs() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      int n = 5 + random.nextInt(40);
      Graph g = new Graph();
      int edges = random.nextInt(3 * n);
      for (int i = 0; i < edges; i++) {
        int a = random.nextInt(n);
        int b = random.nextInt(n);
        if (a != b) {
          g.edge("m" + a, "m" + b, "related_to", 0.1 + 0.9 * random.nextDouble(), random.nextBoolean());
        }
      }
      String from = "m" + random.nextInt(n);
      String to = "m" + random.nextInt(n);
      int maxDepth = 1 + random.nextInt(6);

      MemoryPath p = find(g, from, to, maxDepth);
      int expected = g.distance(from, to);

      if (expected < 0 || expected > maxDepth) {
        assertEquals(List.of(), p.path(), "round " + round);
        continue;
      }
      assertEquals(expected, p.depth(), "round " + round);
      assertEquals(from, p.path().get(0));
      assertEquals(to, p.path().get(p.path().size() - 1));
      Set<String> distinct = new HashSet<>(p.path());
      assertEquals(p.path().size(), distinct.size(), "no memory twice");
      for (int i = 0; i < p.depth(); i++) {
        assertTrue(g.walkable(p.path().get(i), p.path().get(i + 1), p.edges().get(i)), "round " + round + " step " + i);
      }
    }
  }
}
