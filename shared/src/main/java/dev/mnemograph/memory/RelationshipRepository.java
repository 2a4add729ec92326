package dev.mnemograph.memory;

import dev.mnemograph.vector.Neighbour;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The relationship graph: edges the workers discover and edges clients add by hand. Every statement names
 * the workspace, and the table's foreign keys keep both ends of an edge in the edge's own workspace.
 *
 * <p>A discovered edge {@code source → target} means "target is among the k best of source" by one method:
 * <ul>
 *   <li>{@code embedding_similarity} ({@code similar_to}): the k nearest by meaning at or above the similarity
 *       threshold, confidence = cosine similarity;</li>
 *   <li>{@code file_overlap} ({@code references}) and {@code concept_overlap} ({@code related_to}): the k
 *       sharing the most source files or concepts (Jaccard), confidence = that share.</li>
 * </ul>
 * Equal scores go to the alphabetically first title, then the smaller memory id. All discovered edges are
 * bidirectional: the relation is symmetric; the direction only says which memory chose it, and two memories
 * that chose each other have an edge each way. So the discovered graph is a function of the memories, not of
 * the order they were stored or edited in: each memory's choices are its k best among the memories there are
 * now (exactly so in a workspace scanned exactly, within the HNSW index's recall beyond).
 *
 * <p>Keeping it so when memories change ({@link #rediscover}): the changed memories and those that had chosen
 * one of them choose again from scratch; every other memory is offered the changed ones and keeps its k best.
 */
public final class RelationshipRepository {
  /** The methods whose edges are discovered, with the relationship type each gives. */
  public enum Method {
    SIMILARITY("embedding_similarity", "similar_to", null),
    FILES("file_overlap", "references", "source_files"),
    CONCEPTS("concept_overlap", "related_to", "concepts");

    final String dbName;
    final String relationshipType;
    /** The list column whose overlap scores it; null for similarity. */
    final String column;

    Method(String dbName, String relationshipType, String column) {
      this.dbName = dbName;
      this.relationshipType = relationshipType;
      this.column = column;
    }
  }

  private static final String DISCOVERED = "('embedding_similarity', 'file_overlap', 'concept_overlap')";

  /** Memories outside the given ones (parallel $1 workspaces, $2 memories) that chose one of them. */
  private static final String CHOOSERS = """
      SELECT DISTINCT r.workspace_id, r.source_memory_id
      FROM memory_relationship r
      JOIN unnest($1::text[], $2::text[]) AS j(workspace_id, memory_id)
        ON r.workspace_id = j.workspace_id AND r.target_memory_id = j.memory_id
      WHERE r.discovery_method IN\s""" + DISCOVERED + " AND r.source_memory_id <> ALL($2::text[])";

  /** The choices of the given memories, all methods. */
  private static final String FORGET_CHOICES = """
      DELETE FROM memory_relationship r
      USING unnest($1::text[], $2::text[]) AS j(workspace_id, memory_id)
      WHERE r.workspace_id = j.workspace_id AND r.source_memory_id = j.memory_id
        AND r.discovery_method IN\s""" + DISCOVERED;

  /** similar_to choices as given: one row per (chooser, chosen, similarity) in the parallel arrays. */
  private static final String INSERT_SIMILAR = """
      INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                       discovery_method, confidence, is_bidirectional)
      SELECT workspace_id, chooser, chosen, 'similar_to', 'embedding_similarity', least(1, greatest(0, score)), true
      FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS c(workspace_id, chooser, chosen, score)
      ON CONFLICT (source_memory_id, target_memory_id, relationship_type, discovery_method)
        DO UPDATE SET confidence = EXCLUDED.confidence""";

  /** Jaccard overlap of two lists, as a SQL expression template over (a, b). */
  private static final String JACCARD = """
      cardinality(ARRAY(SELECT unnest(%1$s) INTERSECT SELECT unnest(%2$s)))::float8
        / cardinality(ARRAY(SELECT unnest(%1$s) UNION SELECT unnest(%2$s)))""";

  /**
   * Each given memory (parallel $1 workspaces, $2 memories) chooses the $3 memories sharing the most of a
   * list column. %1$s column, %2$s type, %3$s method.
   */
  private static final String CHOOSE_OVERLAP = """
      INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                       discovery_method, confidence, is_bidirectional)
      SELECT me.workspace_id, me.memory_id, s.memory_id, '%2$s', '%3$s', s.overlap, true
      FROM unnest($1::text[], $2::text[]) AS j(workspace_id, memory_id)
      JOIN memory me ON me.workspace_id = j.workspace_id AND me.memory_id = j.memory_id AND cardinality(me.%1$s) > 0
      CROSS JOIN LATERAL (
        SELECT o.memory_id, """ + JACCARD.formatted("me.%1$s", "o.%1$s") + """
       AS overlap
        FROM memory o
        WHERE o.workspace_id = me.workspace_id AND o.memory_id <> me.memory_id AND o.%1$s && me.%1$s
        ORDER BY overlap DESC, o.title, o.memory_id
        LIMIT $3) s
      ON CONFLICT (source_memory_id, target_memory_id, relationship_type, discovery_method)
        DO UPDATE SET confidence = EXCLUDED.confidence""";

  /**
   * Offers chosen memories to choosers that keep their own choices: a pair (offer) is taken when the
   * chooser has fewer than $k choices by the method or the offer beats its worst (score, then title and id
   * of the chosen). Each chooser's count and worst choice are read once, however many offers it gets (on
   * the exact path a changed memory is offered to every memory above the threshold; similarity offers are
   * filtered by {@link #SIMILAR_HELD} before they get here). %1$s the offers (workspace_id, chooser, chosen, score); %2$s type; %3$s method; %4$s the
   * parameter holding k. Answers the choosers that took something.
   */
  private static final String OFFER = """
      WITH offer AS (%1$s),
      held AS (
        SELECT ch.chooser, n.n, worst.confidence, worst.title, worst.memory_id
        FROM (SELECT DISTINCT chooser FROM offer) ch
        CROSS JOIN LATERAL (SELECT count(*) AS n FROM memory_relationship r
                            WHERE r.source_memory_id = ch.chooser AND r.discovery_method = '%3$s') n
        LEFT JOIN LATERAL (SELECT r.confidence, t.title, t.memory_id FROM memory_relationship r
                           JOIN memory t ON t.workspace_id = r.workspace_id AND t.memory_id = r.target_memory_id
                           WHERE r.source_memory_id = ch.chooser AND r.discovery_method = '%3$s'
                           ORDER BY r.confidence, t.title DESC, t.memory_id DESC LIMIT 1) worst ON true)
      INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                       discovery_method, confidence, is_bidirectional)
      SELECT o.workspace_id, o.chooser, o.chosen, '%2$s', '%3$s', least(1, greatest(0, o.score)), true
      FROM offer o
      JOIN held h ON h.chooser = o.chooser
      JOIN memory c ON c.workspace_id = o.workspace_id AND c.memory_id = o.chosen
      WHERE h.n < %4$s
         OR least(1, greatest(0, o.score)) > h.confidence
         OR (least(1, greatest(0, o.score)) = h.confidence AND (c.title, c.memory_id) < (h.title, h.memory_id))
      ON CONFLICT (source_memory_id, target_memory_id, relationship_type, discovery_method)
        DO UPDATE SET confidence = EXCLUDED.confidence
      RETURNING source_memory_id""";

  /**
   * How many similarity choices each given chooser ($1 workspaces, $2 choosers) holds and the lowest
   * confidence among them: an offer below that to a chooser holding k cannot be taken.
   */
  private static final String SIMILAR_HELD = """
      SELECT r.source_memory_id, count(*), min(r.confidence)
      FROM unnest($1::text[], $2::text[]) AS c(workspace_id, chooser)
      JOIN memory_relationship r ON r.workspace_id = c.workspace_id AND r.source_memory_id = c.chooser
      WHERE r.discovery_method = 'embedding_similarity'
      GROUP BY r.source_memory_id""";

  /** Similarity offers from arrays ($1 workspaces, $2 choosers, $3 chosen, $4 scores), k = $5. */
  private static final String OFFER_SIMILAR = OFFER.formatted(
      "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS o(workspace_id, chooser, chosen, score)",
      "similar_to", "embedding_similarity", "$5");

  /**
   * Overlap offers: the given memories ($1 workspaces, $2 memories) to every memory sharing the column with
   * them, except $3 (those choosing afresh); k = $4. %1$s column.
   */
  private static final String OVERLAP_OFFERS = """
      SELECT b.workspace_id, y.memory_id AS chooser, b.memory_id AS chosen,
             """ + JACCARD.formatted("b.%1$s", "y.%1$s") + """
       AS score
      FROM unnest($1::text[], $2::text[]) AS j(workspace_id, memory_id)
      JOIN memory b ON b.workspace_id = j.workspace_id AND b.memory_id = j.memory_id AND cardinality(b.%1$s) > 0
      JOIN memory y ON y.workspace_id = b.workspace_id AND y.memory_id <> b.memory_id AND y.%1$s && b.%1$s
      WHERE y.memory_id <> ALL($3::text[])""";

  /** Keeps each given chooser's $3 best choices by method $2 ($1 choosers). */
  private static final String TRIM = """
      DELETE FROM memory_relationship r USING (
        SELECT ranked.id FROM (
          SELECT r.id, row_number() OVER (PARTITION BY r.source_memory_id
                                          ORDER BY r.confidence DESC, t.title, t.memory_id) AS rank
          FROM memory_relationship r
          JOIN memory t ON t.workspace_id = r.workspace_id AND t.memory_id = r.target_memory_id
          WHERE r.source_memory_id = ANY($1::text[]) AND r.discovery_method = $2) ranked
        WHERE ranked.rank > $3) extra
      WHERE r.id = extra.id""";

  private static final String INSERT_MANUAL = """
      INSERT INTO memory_relationship (workspace_id, source_memory_id, target_memory_id, relationship_type,
                                       discovery_method, confidence, is_bidirectional, context)
      VALUES ($1, $2, $3, $4, 'manual', $5, $6, $7)
      ON CONFLICT (source_memory_id, target_memory_id, relationship_type, discovery_method) DO NOTHING
      RETURNING\s""" + Relationship.COLUMNS;

  /**
   * Before memories are deleted (in the deleting transaction): the memories that chose one of them lose a
   * choice with it, so they are queued to choose again.
   */
  private static final String REQUEUE_CHOOSERS = """
      INSERT INTO job (workspace_id, kind, memory_id)
      SELECT DISTINCT r.workspace_id, 'discover_relationships', r.source_memory_id
      FROM memory_relationship r
      WHERE r.workspace_id = $1 AND r.target_memory_id = ANY($2::text[]) AND r.source_memory_id <> ALL($2::text[])
        AND r.discovery_method IN\s""" + DISCOVERED + """

      ON CONFLICT (kind, memory_id) WHERE status = 'pending' DO NOTHING""";

  /** Memories (parallel lists) that must choose afresh: the given ones and those that had chosen one of them. */
  public record Choosers(List<String> workspaceIds, List<String> memoryIds) {
  }

  /**
   * The given memories (parallel lists) and, after them, the memories that chose one of them: all of these
   * choose afresh when the given ones changed.
   */
  public Future<Choosers> choosersOf(SqlClient conn, List<String> workspaceIds, List<String> memoryIds) {
    return conn.preparedQuery(CHOOSERS).execute(arrays(workspaceIds, memoryIds)).map(rows -> {
      List<String> workspaces = new ArrayList<>(workspaceIds);
      List<String> memories = new ArrayList<>(memoryIds);
      Set<String> seen = new LinkedHashSet<>(memoryIds);
      rows.forEach(r -> {
        if (seen.add(r.getString(1))) {
          workspaces.add(r.getString(0));
          memories.add(r.getString(1));
        }
      });
      return new Choosers(workspaces, memories);
    });
  }

  /**
   * Re-discovers after a change of the {@code changed} memories (parallel lists), in the caller's
   * transaction. {@code afresh} (from {@link #choosersOf}) choose again: their old choices go and
   * {@code nearest} holds each one's k nearest at or above the threshold. {@code offers} holds, for each
   * changed memory, the memories at or above the threshold near it: each of those that does not choose
   * afresh takes the changed memory if it is among its k best. Overlaps are chosen and offered the same way
   * in SQL. Answers how many edge rows were written or removed.
   */
  public Future<Integer> rediscover(SqlClient conn, List<String> workspaceIds, List<String> changed,
                                    Choosers afresh, Map<String, List<Neighbour>> nearest,
                                    Map<String, List<Neighbour>> offers, int k) {
    Pairs chosen = new Pairs();
    for (int i = 0; i < afresh.memoryIds().size(); i++) {
      String memoryId = afresh.memoryIds().get(i);
      for (Neighbour n : nearest.getOrDefault(memoryId, List.of())) {
        chosen.add(afresh.workspaceIds().get(i), memoryId, n.memoryId(), n.similarity());
      }
    }
    Set<String> choosingAfresh = Set.copyOf(afresh.memoryIds());
    Pairs offered = new Pairs();
    for (int i = 0; i < changed.size(); i++) {
      for (Neighbour n : offers.getOrDefault(changed.get(i), List.of())) {
        if (!choosingAfresh.contains(n.memoryId())) {
          offered.add(workspaceIds.get(i), n.memoryId(), changed.get(i), n.similarity());
        }
      }
    }
    String[] afreshIds = afresh.memoryIds().toArray(String[]::new);
    int[] written = {0};
    Future<Void> chain = conn.preparedQuery(FORGET_CHOICES).execute(arrays(afresh.workspaceIds(), afresh.memoryIds()))
        .map(r -> count(written, r.rowCount()));
    if (!chosen.isEmpty()) {
      chain = chain.compose(v -> conn.preparedQuery(INSERT_SIMILAR).execute(chosen.tuple()))
          .map(r -> count(written, r.rowCount()));
    }
    for (Method m : List.of(Method.FILES, Method.CONCEPTS)) {
      chain = chain.compose(v -> conn.preparedQuery(CHOOSE_OVERLAP.formatted(m.column, m.relationshipType, m.dbName))
              .execute(arrays(afresh.workspaceIds(), afresh.memoryIds()).addInteger(k)))
          .map(r -> count(written, r.rowCount()));
    }
    if (!offered.isEmpty()) {
      chain = chain.compose(v -> takeable(conn, offered, k))
          .compose(takeable -> takeable.isEmpty() ? Future.succeededFuture()
              : conn.preparedQuery(OFFER_SIMILAR).execute(takeable.tuple().addInteger(k))
                  .compose(taken -> trim(conn, taken, Method.SIMILARITY, k, written)));
    }
    for (Method m : List.of(Method.FILES, Method.CONCEPTS)) {
      String sql = OFFER.formatted(OVERLAP_OFFERS.formatted(m.column), m.relationshipType, m.dbName, "$4");
      chain = chain.compose(v -> conn.preparedQuery(sql)
              .execute(arrays(workspaceIds, changed).addArrayOfString(afreshIds).addInteger(k)))
          .compose(taken -> trim(conn, taken, m, k, written));
    }
    return chain.map(v -> written[0]);
  }

  /**
   * The similarity offers a chooser might take: it holds fewer than k choices, or the offer is at least as
   * good as its worst (an equal one is decided by title in {@link #OFFER}). On the exact path a changed memory
   * is offered to every memory above the threshold, thousands in a workspace of thousands, and nearly all
   * already hold k better ones: comparing in the statement itself made it most of discovery's time.
   */
  private static Future<Pairs> takeable(SqlClient conn, Pairs offered, int k) {
    Map<String, String> choosers = new LinkedHashMap<>();   // chooser -> workspace
    for (int i = 0; i < offered.choosers.size(); i++) {
      choosers.putIfAbsent(offered.choosers.get(i), offered.workspaces.get(i));
    }
    Tuple distinct = Tuple.tuple().addArrayOfString(choosers.values().toArray(String[]::new))
        .addArrayOfString(choosers.keySet().toArray(String[]::new));
    return conn.preparedQuery(SIMILAR_HELD).execute(distinct).map(rows -> {
      Map<String, Double> floor = new HashMap<>();   // choosers holding k: the score an offer must reach
      rows.forEach(r -> {
        if (r.getLong(1) >= k) {
          floor.put(r.getString(0), r.getDouble(2));
        }
      });
      Pairs takeable = new Pairs();
      for (int i = 0; i < offered.choosers.size(); i++) {
        Double worst = floor.get(offered.choosers.get(i));
        double score = Math.min(1, Math.max(0, offered.scores.get(i)));
        if (worst == null || score >= worst) {
          takeable.add(offered.workspaces.get(i), offered.choosers.get(i), offered.chosen.get(i), offered.scores.get(i));
        }
      }
      return takeable;
    });
  }

  private static Future<Void> trim(SqlClient conn, io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> taken,
                                   Method m, int k, int[] written) {
    count(written, taken.rowCount());
    Set<String> choosers = new LinkedHashSet<>();
    taken.forEach(r -> choosers.add(r.getString(0)));
    if (choosers.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(TRIM)
        .execute(Tuple.tuple().addArrayOfString(choosers.toArray(String[]::new)).addString(m.dbName).addInteger(k))
        .map(r -> count(written, r.rowCount()));
  }

  private static Void count(int[] written, int rows) {
    written[0] += rows;
    return null;
  }

  /** Queues discovery for the memories that chose one of those about to be deleted; answers how many. */
  public Future<Integer> requeueChoosersOf(SqlClient conn, String workspaceId, List<String> memoryIds) {
    return conn.preparedQuery(REQUEUE_CHOOSERS)
        .execute(Tuple.of(workspaceId).addArrayOfString(memoryIds.toArray(String[]::new)))
        .map(r -> r.rowCount());
  }

  /** A manual edge; empty when the same edge already exists. Both memories must be in the workspace. */
  public Future<Optional<Relationship>> addManual(SqlClient client, String workspaceId, ManualRelationship r) {
    return client.preparedQuery(INSERT_MANUAL).mapping(Relationship::of)
        .execute(Tuple.of(workspaceId, r.sourceMemoryId(), r.targetMemoryId(), r.type(), r.confidence(),
            r.bidirectional(), r.context()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  private static Tuple arrays(List<String> workspaceIds, List<String> memoryIds) {
    return Tuple.tuple().addArrayOfString(workspaceIds.toArray(String[]::new))
        .addArrayOfString(memoryIds.toArray(String[]::new));
  }

  /** (workspace, chooser, chosen, score) rows as parallel arrays. */
  private static final class Pairs {
    private final List<String> workspaces = new ArrayList<>();
    private final List<String> choosers = new ArrayList<>();
    private final List<String> chosen = new ArrayList<>();
    private final List<Double> scores = new ArrayList<>();

    void add(String workspaceId, String chooser, String chosenId, double score) {
      workspaces.add(workspaceId);
      choosers.add(chooser);
      chosen.add(chosenId);
      scores.add(score);
    }

    boolean isEmpty() {
      return choosers.isEmpty();
    }

    Tuple tuple() {
      return Tuple.tuple().addArrayOfString(workspaces.toArray(String[]::new))
          .addArrayOfString(choosers.toArray(String[]::new)).addArrayOfString(chosen.toArray(String[]::new))
          .addArrayOfDouble(scores.toArray(Double[]::new));
    }
  }
}
