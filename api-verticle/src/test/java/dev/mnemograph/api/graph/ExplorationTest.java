package dev.mnemograph.api.graph;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplorationTest {

  private static Exploration.Reach reach(String from, String to, double confidence, Double pagerank) {
    return new Exploration.Reach(from, to, confidence, pagerank);
  }

  @Test
  void seeds_come_first_and_count_toward_the_budget() {
    Exploration x = new Exploration(List.of("s1", "s2", "s3"), 2);

    assertEquals(List.of("s1", "s2"), x.nodes());
    assertTrue(x.done());
  }

  @Test
  void strong_links_to_central_memories_come_first() {
    Exploration x = new Exploration(List.of("s"), 2);   // rounds of one
    assertEquals(List.of("s"), x.frontier());

    x.round(List.of(reach("s", "weak", 0.3, 1.0), reach("s", "strong", 0.9, null), reach("s", "central", 0.9, 0.8)));

    // central: 0.9 × (0.5 + 0.4) = 0.81; strong: 0.9 × 0.5 = 0.45; weak: 0.3 × 1.0 = 0.3
    assertEquals(List.of("s", "central"), x.nodes());
    assertTrue(x.done());

    Exploration wider = new Exploration(List.of("s"), 4);   // rounds of two
    wider.round(List.of(reach("s", "weak", 0.3, 1.0), reach("s", "strong", 0.9, null), reach("s", "central", 0.9, 0.8)));
    assertEquals(List.of("s", "central", "strong"), wider.nodes());
    assertEquals(List.of("central", "strong"), wider.frontier());
    wider.round(List.of());
    assertEquals(List.of("s", "central", "strong", "weak"), wider.nodes());
    assertTrue(wider.done());
  }

  @Test
  void every_step_away_costs_so_a_near_memory_beats_a_far_one() {
    Exploration x = new Exploration(List.of("s"), 4);   // rounds of two
    x.round(List.of(reach("s", "a", 1.0, 1.0), reach("s", "b", 0.8, 1.0), reach("s", "c", 0.6, 1.0)));
    assertEquals(List.of("s", "a", "b"), x.nodes());

    x.round(List.of(reach("a", "far", 0.5, 1.0)));   // far: 1.0 × 0.5 = 0.5 < c's 0.6

    assertEquals(List.of("s", "a", "b", "c"), x.nodes());
  }

  @Test
  void a_memory_reached_twice_keeps_its_best_priority_and_joins_once() {
    Exploration x = new Exploration(List.of("s1", "s2"), 10);

    x.round(List.of(reach("s1", "m", 0.2, null), reach("s2", "m", 0.8, null), reach("m", "s1", 1.0, null)));

    assertEquals(List.of("s1", "s2", "m"), x.nodes());
    x.round(List.of(reach("m", "s2", 1.0, null)));
    assertTrue(x.done(), "nothing more to reach");
  }

  @Test
  void rounds_add_half_of_the_budget() {
    Exploration x = new Exploration(List.of("s"), 7);   // rounds of 4
    List<Exploration.Reach> many = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      many.add(reach("s", "m" + i, 0.5 + i / 100.0, null));
    }

    x.round(many);

    assertEquals(List.of("s", "m9", "m8", "m7", "m6"), x.nodes());
    assertEquals(List.of("m9", "m8", "m7", "m6"), x.frontier());
    x.round(List.of());
    assertEquals(7, x.nodes().size());
    assertTrue(x.done());
  }

  @Test
  void no_budget_is_refused() {
    assertThrows(IllegalArgumentException.class, () -> new Exploration(List.of(), 0));
  }
}
