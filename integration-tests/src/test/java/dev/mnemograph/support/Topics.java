package dev.mnemograph.support;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.List;

/**
 * Memories on topics that have nothing to do with each other (no shared words, files or concepts, far apart in
 * meaning), so that the workers discover no edges among them and a hand-made graph of them has known answers.
 */
public final class Topics {
  private static final List<String[]> TOPICS = List.of(
      new String[] {"Sourdough starter feeding", "Feed the starter twice daily with equal weights of rye flour and water."},
      new String[] {"Basalt columns in Iceland", "Hexagonal columns formed where thick lava flows cooled and contracted."},
      new String[] {"Tuning a baroque harpsichord", "Quarter-comma meantone keeps thirds pure at the cost of a wolf fifth."},
      new String[] {"Arctic tern migration", "These birds fly from Greenland to the Weddell Sea and back every year."},
      new String[] {"Knitting a cable stitch", "Slip two stitches onto a spare needle held in front of the work."},
      new String[] {"Sicilian Najdorf opening", "Black answers with a6 on move five to keep a knight off b5."},
      new String[] {"Repotting an orchid", "Use bark chips instead of soil and trim dead aerial roots with clean scissors."},
      new String[] {"Tides in the Bay of Fundy", "Water rises by more than fifteen metres twice a day."},
      new String[] {"Brewing green tea", "Seventy-degree water for two minutes keeps the leaves from turning bitter."},
      new String[] {"Bicycle chain lubrication", "Wipe it, put one drop on each roller, then wipe off the excess."},
      new String[] {"Folding an origami crane", "Start from a square base and petal-fold both sides before shaping the neck."},
      new String[] {"Rings of Saturn", "Mostly water ice, some pieces no larger than grains of sand."},
      new String[] {"Pruning apple trees", "In winter, cut crossing branches back to an outward-facing bud."},
      new String[] {"Jazz drop-two voicings", "Move the second-highest note of a close chord down an octave."},
      new String[] {"Rolling a sea kayak", "Hip snap first; the head comes up last."},
      new String[] {"Smalti mosaics", "Set glass pieces into lime mortar at slight angles to catch light."},
      new String[] {"Beekeeping in spring", "Check the brood pattern and add a super before the colony swarms."},
      new String[] {"Saharan salt caravans", "Camels carried salt slabs south to Timbuktu and gold north."},
      new String[] {"Fermenting kimchi", "Salt napa cabbage overnight, rinse, then pack with chili paste."},
      new String[] {"Orion nebula", "Below the belt glows a faint cloud where new stars are born."},
      new String[] {"Restoring a mechanical watch", "Clean the escapement, oil the pallet stones, regulate the balance."},
      new String[] {"Growing saffron crocus", "Plant corms in late summer; pick the red stigmas by hand in autumn."},
      new String[] {"Morse code practice", "Learn letters by their rhythm rather than by counting dots and dashes."},
      new String[] {"Glacier crevasse rescue", "Build a pulley from the rope and two prusik loops to haul a climber out."});

  private Topics() {
  }

  public static int count() {
    return TOPICS.size();
  }

  /** Stores the {@code i}-th topic in the workspace of {@code api}; answers its memory_id. */
  public static String store(Api api, int i) {
    String[] t = TOPICS.get(i);
    return api.store(t[0], t[1]).getString("memory_id");
  }

  public static String title(int i) {
    return TOPICS.get(i)[0];
  }

  /** A manual edge; fails the test unless it is created. */
  public static void link(Api api, String source, String target, String type, double confidence,
                          boolean bidirectional) {
    HttpResponse<Buffer> res = api.post("/memories/" + source + "/relationships", new JsonObject()
        .put("target_memory_id", target).put("relationship_type", type).put("confidence", confidence)
        .put("is_bidirectional", bidirectional));
    if (res.statusCode() != 201) {
      throw new AssertionError("relationship answered " + res.statusCode() + ": " + res.bodyAsString());
    }
  }
}
