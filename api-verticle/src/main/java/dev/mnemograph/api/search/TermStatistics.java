package dev.mnemograph.api.search;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A query's terms (PostgreSQL's English stemming) and each term's document frequency in the workspace,
 * counted on the GIN index up to {@value #DF_CAP}.
 *
 * <p>Counting a common term reads up to {@value #DF_CAP} heap rows, most of a search's time in a large workspace
 * (BENCHMARKS.md, "Search latency"). So a term found in at least {@value #CACHE_MIN_DF} memories is counted
 * again only after {@value #TTL_SECONDS} s (a common term counted a minute ago is as good a weight as one
 * counted now); a rarer one is counted every time, which is cheap and means that a memory stored a moment
 * ago with a new word is found by it at once. A process keeps at most {@value #MAX_ENTRIES} counts. A query
 * weighs at most {@value #MAX_TERMS} distinct terms (the first in PostgreSQL's order), so that a 4,000-
 * character query cannot hold a connection for long.
 */
public final class TermStatistics {
  /** Terms past this count weigh the same (and do not bring up candidates by themselves). */
  public static final int DF_CAP = 1000;
  static final int TTL_SECONDS = 60;
  static final int CACHE_MIN_DF = 100;
  static final int MAX_TERMS = 64;
  static final int MAX_ENTRIES = 200_000;

  private static final String TERMS = """
      SELECT coalesce(array_agg(lexeme), '{}') FROM (
        SELECT lexeme FROM unnest(tsvector_to_array(to_tsvector('english', $1::text))) lexeme LIMIT %d) t"""
      .formatted(MAX_TERMS);

  private static final String COUNT = """
      SELECT l, (SELECT count(*) FROM (
          SELECT 1 FROM memory m WHERE m.workspace_id = $1 AND m.search_document @@ search_term(l)
          LIMIT %d) c)
      FROM unnest($2::text[]) AS l""".formatted(DF_CAP);

  /** A query's stemmed terms and, in the same order, their document frequencies. */
  public record Terms(List<String> lexemes, List<Integer> frequencies) {
  }

  private record Counted(int frequency, long at) {
  }

  private final Map<String, Counted> counted = new ConcurrentHashMap<>();

  public Future<Terms> of(SqlConnection conn, String workspaceId, String query) {
    return conn.preparedQuery(TERMS).execute(Tuple.of(query))
        .map(rows -> Arrays.asList(rows.iterator().next().getArrayOfStrings(0)))
        .compose(lexemes -> {
          long now = System.nanoTime();
          Map<String, Integer> known = new LinkedHashMap<>();
          List<String> unknown = new ArrayList<>();
          for (String lexeme : lexemes) {
            Counted c = counted.get(key(workspaceId, lexeme));
            if (c != null && now - c.at() < TimeUnit.SECONDS.toNanos(TTL_SECONDS)) {
              known.put(lexeme, c.frequency());
            } else {
              unknown.add(lexeme);
            }
          }
          Future<Void> counting = unknown.isEmpty() ? Future.succeededFuture()
              : conn.preparedQuery(COUNT).execute(Tuple.of(workspaceId).addArrayOfString(unknown.toArray(String[]::new)))
                  .map(rows -> {
                    if (counted.size() > MAX_ENTRIES) {
                      counted.clear();   // crude but bounded; a miss only costs a count
                    }
                    for (Row r : rows) {
                      int df = r.getLong(1).intValue();
                      known.put(r.getString(0), df);
                      if (df >= CACHE_MIN_DF) {
                        counted.put(key(workspaceId, r.getString(0)), new Counted(df, now));
                      }
                    }
                    return null;
                  });
          return counting.map(v -> new Terms(lexemes, lexemes.stream().map(l -> known.getOrDefault(l, 0)).toList()));
        });
  }

  private static String key(String workspaceId, String lexeme) {
    return workspaceId + '\u0000' + lexeme;
  }
}
