package dev.mnemograph.api.mcp;

import dev.mnemograph.api.graph.ExploreQuery;
import dev.mnemograph.api.graph.GraphService;
import dev.mnemograph.api.memory.MemoryService;
import dev.mnemograph.api.memory.Rating;
import dev.mnemograph.api.search.SearchQuery;
import dev.mnemograph.api.search.SearchResult;
import dev.mnemograph.api.search.SearchResults;
import dev.mnemograph.api.search.SearchService;
import dev.mnemograph.db.DatabaseUnavailable;
import dev.mnemograph.error.InvalidRequestException;
import dev.mnemograph.error.NotFoundException;
import dev.mnemograph.json.Timestamps;
import dev.mnemograph.memory.Memory;
import dev.mnemograph.memory.MemoryDetail;
import dev.mnemograph.memory.MemoryIndexEntry;
import dev.mnemograph.memory.NewMemory;
import dev.mnemograph.memory.Relationship;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * The MCP tools' handlers (their names, descriptions and input schemas: {@link ToolDefinitions}). Each handler
 * maps MCP's parameter names to the services' (content → narrative, files → source_files,
 * importance/confidence → *_score) and answers through {@link ToolResults}. Handlers run on the event loop
 * and return the services' futures; a failure becomes an {@code isError} result the agent can read.
 */
public final class MemoryTools {
  private static final Logger LOG = LoggerFactory.getLogger(MemoryTools.class);

  static final String STORE = "memory_store";
  static final String SEARCH = "memory_search";
  static final String GET_INDEX = "memory_get_index";
  static final String GET_TIMELINE = "memory_get_timeline";
  static final String GET_DETAIL = "memory_get_detail";
  static final String GET_RELATED = "memory_get_related";
  static final String BY_FILE = "memory_by_file";
  static final String EXPLORE = "memory_explore";
  static final String RATE = "memory_rate";

  /** How many similar memories memory_get_detail's include_related adds, as GET /memories/{id} does. */
  static final int INCLUDED_RELATED = 5;

  /** A tool's work for one call, in the caller's workspace. */
  @FunctionalInterface
  private interface Handler {
    Future<CallToolResult> call(String workspaceId, ToolArguments args);
  }

  private final MemoryService memories;
  private final SearchService search;
  private final GraphService graph;
  private final double similarityThreshold;

  /** @param similarityThreshold the lowest cosine similarity include_related shows (as the REST API) */
  public MemoryTools(MemoryService memories, SearchService search, GraphService graph, double similarityThreshold) {
    this.memories = memories;
    this.search = search;
    this.graph = graph;
    this.similarityThreshold = similarityThreshold;
  }

  /** Each tool of {@link ToolDefinitions} with its handler; a tool without one, or a handler without one, fails. */
  List<AsyncToolSpecification> specifications(McpJsonMapper json) {
    Map<String, Handler> handlers = new LinkedHashMap<>();
    handlers.put(STORE, this::store);
    handlers.put(SEARCH, this::search);
    handlers.put(GET_INDEX, this::index);
    handlers.put(GET_TIMELINE, this::timeline);
    handlers.put(GET_DETAIL, this::detail);
    handlers.put(GET_RELATED, this::related);
    handlers.put(BY_FILE, this::byFile);
    handlers.put(EXPLORE, this::explore);
    handlers.put(RATE, this::rate);
    List<Tool> tools = ToolDefinitions.load(json);
    Set<String> defined = tools.stream().map(Tool::name).collect(Collectors.toCollection(LinkedHashSet::new));
    if (!defined.equals(handlers.keySet())) {
      throw new IllegalStateException(ToolDefinitions.RESOURCE + " defines the tools " + defined
          + " but there are handlers for " + handlers.keySet());
    }
    return tools.stream().map(tool -> spec(tool, handlers.get(tool.name()))).toList();
  }

  private Future<CallToolResult> store(String ws, ToolArguments a) {
    NewMemory m = new NewMemory(a.requiredString("title", 500), a.requiredString("content", 100_000),
        a.oneOf("memory_type", Memory.TYPES).orElse("general"), a.strings("tags", 50, 200),
        a.strings("concepts", 50, 200), a.strings("files", 100, 1000), a.number("importance", 0.5, 0, 1),
        a.number("confidence", 0.5, 0, 1));
    return memories.store(ws, m).map(stored -> ToolResults.of(
        "Stored " + stored.memoryId() + " (" + stored.memoryType() + "): \"" + stored.title()
            + "\". Found by keywords now, and by meaning once it is embedded (seconds).",
        new JsonObject().put("memory_id", stored.memoryId()).put("title", stored.title())
            .put("memory_type", stored.memoryType()).put("created_at", Timestamps.format(stored.createdAt()))));
  }

  private Future<CallToolResult> search(String ws, ToolArguments a) {
    String query = a.requiredString("query", 4000);
    boolean content = a.bool("include_content", false);
    SearchQuery q = new SearchQuery(query, a.oneOfEach("memory_types", Memory.TYPES), a.strings("tags", 50, 200),
        a.strings("tag_prefixes", 50, 200), a.strings("files", 50, 1000), a.optionalNumber("min_importance", 0, 1).orElse(null),
        a.integer("limit", SearchQuery.DEFAULT_LIMIT, 1, SearchQuery.MAX_LIMIT), true, true, false);
    return search.search(ws, q).map(found -> {
      ToolResults.Listing out = new ToolResults.Listing(searchHeading(query, found));
      for (SearchResult r : found.results()) {
        out.add(ToolResults.block(r.memory(), "score " + ToolResults.decimal(r.score()), content),
            ToolResults.item(r.memory(), r.score(), content));
      }
      JsonObject extra = new JsonObject().put("query", query).put("semantic", found.semantic());
      if (found.notice() != null) {
        extra.put("notice", found.notice());
      }
      return out.build("lower limit, add filters, or leave include_content off.", extra);
    });
  }

  private static String searchHeading(String query, SearchResults found) {
    String how = found.semantic() ? "ranked by keywords and meaning" : "ranked by keywords only";
    String heading = found.results().isEmpty()
        ? "No memories match \"" + query + "\" (" + how + "). Try other words, fewer filters, or memory_get_index."
        : found.results().size() + " memories for \"" + query + "\", best first (" + how + "):";
    return found.notice() == null ? heading : heading + "\nNote: " + found.notice();
  }

  private Future<CallToolResult> index(String ws, ToolArguments a) {
    Optional<String> type = a.oneOf("memory_type", Memory.TYPES);
    int limit = a.integer("limit", 50, 1, 500);
    int offset = a.integer("offset", 0, 0, 1_000_000);
    return memories.index(ws, type, limit, offset).map(entries -> {
      ToolResults.Listing out = new ToolResults.Listing(entries.isEmpty()
          ? (offset == 0 ? "No memories stored" + type.map(t -> " of type " + t).orElse("") + " yet."
          : "No more memories after offset " + offset + ".")
          : entries.size() + " memories" + type.map(t -> " of type " + t).orElse("") + " from offset " + offset
          + ", most important first:");
      for (MemoryIndexEntry e : entries) {
        out.add(e.memoryId() + " · " + e.memoryType() + " · \"" + e.title() + "\" · importance "
            + ToolResults.decimal(e.importanceScore()), e.toJson());
      }
      int next = offset + out.shown();
      return out.build("continue with offset=" + next + ".", new JsonObject().put("offset", offset)
          .put("next_offset", entries.size() == limit || out.shown() < entries.size() ? next : null));
    });
  }

  private Future<CallToolResult> timeline(String ws, ToolArguments a) {
    int days = a.integer("days", 7, 1, 36_500);
    int limit = a.integer("limit", 20, 1, 500);
    Optional<String> type = a.oneOf("memory_type", Memory.TYPES);
    boolean content = a.bool("include_content", false);
    return memories.timeline(ws, days, type, limit, 0).map(list -> {
      String what = type.map(t -> " of type " + t).orElse("");
      ToolResults.Listing out = new ToolResults.Listing(list.isEmpty()
          ? "No memories" + what + " created in the last " + days + " days."
          : list.size() + " memories" + what + " created in the last " + days + " days, newest first:");
      for (Memory m : list) {
        out.add(ToolResults.block(m, "created " + ToolResults.day(m), content), ToolResults.item(m, null, content));
      }
      return out.build("use fewer days, a memory_type, or a lower limit.", new JsonObject().put("days", days));
    });
  }

  private Future<CallToolResult> byFile(String ws, ToolArguments a) {
    String path = a.requiredString("file_path", 1000);
    int limit = a.integer("limit", 10, 1, 100);
    boolean content = a.bool("include_content", false);
    return memories.byFile(ws, path, limit).map(list -> {
      ToolResults.Listing out = new ToolResults.Listing(list.isEmpty()
          ? "No memories name " + path + ". Try memory_search with words about it."
          : list.size() + " memories about " + path + ", most important first:");
      for (Memory m : list) {
        out.add(ToolResults.block(m, "importance " + ToolResults.decimal(m.importanceScore()), content),
            ToolResults.item(m, null, content));
      }
      return out.build("lower limit, or leave include_content off.", new JsonObject().put("file_path", path));
    });
  }

  private Future<CallToolResult> related(String ws, ToolArguments a) {
    String id = a.requiredString("memory_id", 64);
    int limit = a.integer("limit", 5, 1, 50);
    double threshold = a.number("similarity_threshold", 0.75, 0, 1);
    return memories.related(ws, id, limit, threshold).map(list -> {
      ToolResults.Listing out = new ToolResults.Listing(list.isEmpty()
          ? "No memories similar to " + id + " at " + ToolResults.decimal(threshold) + " or above. Either nothing "
          + "similar is stored, or " + id + " is not embedded yet (seconds after storing); a lower "
          + "similarity_threshold widens the net."
          : list.size() + " memories similar to " + id + ", most similar first:");
      for (SearchResult r : list) {
        out.add(ToolResults.block(r.memory(), "similarity " + ToolResults.decimal(r.score()), false),
            ToolResults.item(r.memory(), r.score(), false));
      }
      return out.build("lower limit.", new JsonObject().put("memory_id", id).put("similarity_threshold", threshold));
    });
  }

  private Future<CallToolResult> detail(String ws, ToolArguments a) {
    String id = a.requiredString("memory_id", 64);
    boolean includeRelated = a.bool("include_related", false);
    // detail first: it records the access, and fails for a memory that is not in this workspace
    return memories.detail(ws, id).map(MemoryDetail::toJson).compose(d -> (includeRelated
            ? memories.related(ws, id, INCLUDED_RELATED, similarityThreshold)
            : Future.succeededFuture(List.<SearchResult>of()))
        .map(similar -> DetailText.render(d, similar, includeRelated)));
  }

  private Future<CallToolResult> explore(String ws, ToolArguments a) {
    String query = a.requiredString("query", 4000);
    ExploreQuery q = new ExploreQuery(query,
        a.integer("max_nodes", ExploreQuery.DEFAULT_MAX_NODES, 1, ExploreQuery.MAX_NODES),
        a.oneOfEach("relationship_types", Relationship.TYPES), a.number("min_edge_confidence", 0, 0, 1),
        a.integer("seed_limit", ExploreQuery.DEFAULT_SEED_LIMIT, 1, ExploreQuery.MAX_SEED_LIMIT));
    return graph.explore(ws, q).map(subgraph -> ExploredGraphText.render(query, subgraph));
  }

  private Future<CallToolResult> rate(String ws, ToolArguments a) {
    String id = a.requiredString("memory_id", 64);
    boolean useful = a.requiredBool("useful");
    return memories.rate(ws, new Rating(id, useful, a.optionalString("context", 2000).orElse(null),
            a.optionalString("session_id", 200).orElse(null)))
        .map(f -> ToolResults.of("Recorded that " + id + " was " + (useful ? "useful" : "not useful")
            + ". Its importance is now " + ToolResults.decimal(f.importanceScore()) + (useful
            ? "; it ranks higher in search and in the index." : "; it ranks lower in search and in the index."),
            f.toJson()));
  }

  private static AsyncToolSpecification spec(Tool tool, Handler handler) {
    String name = tool.name();
    return new AsyncToolSpecification(tool, (context, request) -> {
      String ws = (String) context.get(BearerAuth.WORKSPACE_ID);
      return Mono.defer(() -> Mono.fromCompletionStage(
              handler.call(ws, new ToolArguments(request.arguments())).toCompletionStage()))
          .onErrorResume(e -> Mono.just(failure(name, ws, e)));
    });
  }

  /** What the agent reads when a call fails; only unexpected failures are logged (once, here). */
  private static CallToolResult failure(String tool, String ws, Throwable e) {
    if (e instanceof ToolArguments.Invalid invalid) {
      return ToolResults.error("Invalid arguments for " + tool + ": " + invalid.getMessage());
    }
    if (e instanceof NotFoundException nf) {
      // "Memory 'mem-…' not found." said from where the agent stands
      return ToolResults.error(nf.getMessage().replaceFirst("\\.$", "") + " in this workspace. Find memory ids "
          + "with memory_search or memory_get_index.");
    }
    if (e instanceof InvalidRequestException invalid) {
      return ToolResults.error(invalid.getMessage());
    }
    if (DatabaseUnavailable.is(e) || DatabaseUnavailable.timedOut(e)) {
      LOG.warn("MCP tool {}: the database could not serve it ({})", tool, e.toString());
      return ToolResults.error(DatabaseUnavailable.is(e) ? DatabaseUnavailable.UNREACHABLE
          : DatabaseUnavailable.TIMED_OUT);
    }
    String ref = Integer.toHexString(ThreadLocalRandom.current().nextInt());
    LOG.error("MCP tool {} failed in workspace {} (ref {})", tool, ws, ref, e);
    return ToolResults.error("Internal error in " + tool + " (ref " + ref + "). Try again; if it keeps failing, "
        + "tell the user and quote the ref.");
  }
}
