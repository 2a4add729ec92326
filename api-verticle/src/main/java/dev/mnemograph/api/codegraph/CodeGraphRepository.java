package dev.mnemograph.api.codegraph;

import dev.mnemograph.db.Chunks;
import dev.mnemograph.db.Transactions;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.util.List;
import java.util.stream.Stream;

/** The SQL of code symbols: a sync replaces its files' symbols and drops its deleted files', in one transaction. */
final class CodeGraphRepository {
  static final int CHUNK = 1_000;

  private static final String DROP_FILES =
      "DELETE FROM code_symbol WHERE workspace_id = $1 AND file_path = ANY($2::text[])";

  private static final String INSERT = """
      INSERT INTO code_symbol (workspace_id, file_path, qualified_name, name, symbol_type, language, line_start,
                               line_end)
      SELECT $1, s.* FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[]) s
      ON CONFLICT (workspace_id, file_path, qualified_name) DO NOTHING""";

  private final Pool pool;

  CodeGraphRepository(Pool pool) {
    this.pool = pool;
  }

  /** Replaces the symbols of {@code files}, drops those of {@code deleted}; answers how many symbols were kept. */
  Future<Integer> sync(String workspaceId, List<String> files, List<String> deleted, List<CodeSymbol> symbols) {
    List<String> dropped = Stream.concat(files.stream(), deleted.stream()).distinct().toList();
    return Transactions.run(pool, conn -> conn.preparedQuery(DROP_FILES)
        .execute(Tuple.of(workspaceId).addArrayOfString(dropped.toArray(String[]::new)))
        .compose(v -> Chunks.inOrder(symbols.size(), CHUNK, (start, end) -> {
          List<CodeSymbol> chunk = symbols.subList(start, end);
          return conn.preparedQuery(INSERT).execute(Tuple.of(workspaceId)
                  .addArrayOfString(chunk.stream().map(CodeSymbol::filePath).toArray(String[]::new))
                  .addArrayOfString(chunk.stream().map(CodeSymbol::qualifiedName).toArray(String[]::new))
                  .addArrayOfString(chunk.stream().map(CodeSymbol::name).toArray(String[]::new))
                  .addArrayOfString(chunk.stream().map(CodeSymbol::symbolType).toArray(String[]::new))
                  .addArrayOfString(chunk.stream().map(CodeSymbol::language).toArray(String[]::new))
                  .addArrayOfInteger(chunk.stream().map(CodeSymbol::lineStart).toArray(Integer[]::new))
                  .addArrayOfInteger(chunk.stream().map(CodeSymbol::lineEnd).toArray(Integer[]::new)))
              .map(rows -> rows.rowCount());
        })));
  }
}
