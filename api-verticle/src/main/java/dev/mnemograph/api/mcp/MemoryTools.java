package dev.mnemograph.api.mcp;

import dev.mnemograph.api.graph.ExploreQuery;
import dev.mnemograph.api.graph.GraphEdge;
import dev.mnemograph.api.graph.GraphNode;
import dev.mnemograph.api.graph.GraphService;
import dev.mnemograph.api.graph.Subgraph;
import dev.mnemograph.api.memory.MemoryService;
import dev.mnemograph.api.search.SearchQuery;
import dev.mnemograph.api.search.SearchResult;
import dev.mnemograph.api.search.SearchResults;
import dev.mnemograph.api.search.SearchService;
import dev.mnemograph.db.DatabaseUnavailable;
import dev.mnemograph.error.InvalidRequestException;
import dev.mnemograph.error.NotFoundException;
import dev.mnemograph.memory.Memory;
import dev.mnemograph.memory.MemoryDetail;
import dev.mnemograph.memory.MemoryIndexEntry;
import dev.mnemograph.memory.NewMemory;
import dev.mnemograph.memory.Relationship;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The MCP tools: each one's name, description and input schema as an agent sees them in tools/list, and its
 * handler, which maps MCP's parameter names to the services' (content → narrative, files → source_files,
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
  /** Relationship lines memory_get_detail shows before it only counts the rest. */
  static final int RELATIONSHIP_LINES = 40;

  private static final String MEMORY_TYPE_ENUM = """
      ["decision", "pattern", "convention", "architecture", "discovery", "incident", "general", "wiki", \
      "sdlc_knowledge"]""";
  private static final String RELATIONSHIP_TYPE_ENUM = """
      ["references", "related_to", "caused_by", "contradicts", "supersedes", "similar_to", "depends_on"]""";
  private static final List<String> MEMORY_TYPES = List.of("decision", "pattern", "convention", "architecture",
      "discovery", "incident", "general", "wiki", "sdlc_knowledge");

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

  List<AsyncToolSpecification> specifications(McpJsonMapper json) {
    return List.of(
        spec(json, STORE, "Store a memory", writes(), """
            Save a durable insight about this codebase so that you, or another agent, can recall it in a later \
            session: a decision and its rationale, a recurring pattern, a team convention, an architecture fact, \
            a discovery or gotcha, an incident's root cause and fix. Write a specific title and self-contained \
            content (what, why, where); name the files it concerns so that memory_by_file finds it. Do not \
            store secrets, or what the code already says plainly. Returns the new memory_id. The memory is \
            found by keywords at once and by meaning a few seconds later (embedding runs in the background).""",
            """
            {"type": "object", "additionalProperties": false, "required": ["title", "content"], "properties": {
              "title": {"type": "string", "minLength": 1, "maxLength": 500,
                "description": "A specific one-line summary, e.g. 'Use AsyncSession for every database call'."},
              "content": {"type": "string", "minLength": 1, "maxLength": 100000,
                "description": "The memory itself, readable on its own: what, why, and where."},
              "memory_type": {"type": "string", "enum": %s, "default": "general",
                "description": "decision: a chosen direction and its rationale; pattern: 'when X, we do Y'; convention: 'always/never do X'; architecture: boundaries, data flow, dependencies; discovery: a gotcha or non-obvious behaviour; incident: a bug's root cause and fix; general: only when nothing else fits; wiki, sdlc_knowledge: reference and process material written by people."},
              "tags": {"type": "array", "maxItems": 50, "items": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": "Keywords to filter by, e.g. ['auth', 'jwt']."},
              "concepts": {"type": "array", "maxItems": 50, "items": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": "Abstract ideas it is about, e.g. ['caching', 'idempotency']; memories that share concepts get linked."},
              "files": {"type": "array", "maxItems": 100, "items": {"type": "string", "minLength": 1, "maxLength": 1000},
                "description": "Repository-relative paths it concerns, e.g. ['src/db/pool.py']."},
              "importance": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
                "description": "How much it matters, 0 to 1: 0.9 for a rule everyone must follow, 0.3 for a minor note."},
              "confidence": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.5,
                "description": "How sure you are that it is right, 0 to 1."}}}""".formatted(MEMORY_TYPE_ENUM),
            this::store),
        spec(json, SEARCH, "Search memories", reads(), """
            Find the memories relevant to a task, question or error, ranked by keywords and by meaning \
            together. Use it before you start on a feature, bug or file, to recall earlier decisions, \
            conventions and incidents; phrase the query as the problem ('why do uploads time out'). Returns \
            compact lines, best first: memory_id, type, title, score, tags, files and a short snippet. Set \
            include_content for the full texts, or call memory_get_detail on one memory_id.""",
            """
            {"type": "object", "additionalProperties": false, "required": ["query"], "properties": {
              "query": {"type": "string", "minLength": 1, "maxLength": 4000,
                "description": "Words or a question; matched by keywords and by meaning."},
              "memory_types": {"type": "array", "maxItems": 9, "uniqueItems": true, "items": {"type": "string", "enum": %s},
                "description": "Only memories of these types."},
              "tags": {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 200},
                "description": "Only memories that have every one of these tags."},
              "tag_prefixes": {"type": "array", "maxItems": 50, "items": {"type": "string", "minLength": 1, "maxLength": 200},
                "description": "Only memories with a tag that starts with one of these, e.g. ['auth']."},
              "files": {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 1000},
                "description": "Only memories that name one of these files."},
              "min_importance": {"type": "number", "minimum": 0, "maximum": 1,
                "description": "Only memories at least this important."},
              "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
              "include_content": {"type": "boolean", "default": false,
                "description": "Full narratives instead of snippets (uses much more context)."}}}"""
                .formatted(MEMORY_TYPE_ENUM),
            this::search),
        spec(json, GET_INDEX, "List memory titles", reads(), """
            The workspace's memories as a table of contents, one line each (memory_id, type, title, \
            importance), most important first. Cheap: use it to see what is known before searching, or to \
            browse by type. Page with offset.""",
            """
            {"type": "object", "additionalProperties": false, "properties": {
              "memory_type": {"type": "string", "enum": %s, "description": "Only memories of this type."},
              "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50},
              "offset": {"type": "integer", "minimum": 0, "maximum": 1000000, "default": 0,
                "description": "Entries to skip, to continue a previous page."}}}""".formatted(MEMORY_TYPE_ENUM),
            this::index),
        spec(json, GET_TIMELINE, "Recent memories", reads(), """
            The memories created in the last days, newest first, with snippets (full texts with \
            include_content): what was learned recently, e.g. to catch up at the start of a session.""",
            """
            {"type": "object", "additionalProperties": false, "properties": {
              "days": {"type": "integer", "minimum": 1, "maximum": 36500, "default": 7,
                "description": "How far back to look."},
              "limit": {"type": "integer", "minimum": 1, "maximum": 500, "default": 20},
              "memory_type": {"type": "string", "enum": %s, "description": "Only memories of this type."},
              "include_content": {"type": "boolean", "default": false,
                "description": "Full narratives instead of snippets (uses much more context)."}}}"""
                .formatted(MEMORY_TYPE_ENUM),
            this::timeline),
        spec(json, GET_DETAIL, "Read one memory", reads(), """
            One memory in full: its whole content, tags, concepts, files and scores, and its relationships to \
            other memories (type, confidence, and how each was found). include_related adds the most similar \
            memories. Use it when a snippet from memory_search, memory_by_file or the timeline is not enough. \
            Records an access, which makes the memory rank as more important over time.""",
            """
            {"type": "object", "additionalProperties": false, "required": ["memory_id"], "properties": {
              "memory_id": {"type": "string", "minLength": 1, "maxLength": 64, "description": "e.g. mem-a1b2c3d4e5f6g7h8"},
              "include_related": {"type": "boolean", "default": false,
                "description": "Also list up to 5 memories similar in meaning."}}}""",
            this::detail),
        spec(json, GET_RELATED, "Similar memories", reads(), """
            The memories closest in meaning to a given one (cosine similarity of their embeddings), best \
            first: to widen the context around a memory you found. Empty until that memory is embedded, a few \
            seconds after it was stored.""",
            """
            {"type": "object", "additionalProperties": false, "required": ["memory_id"], "properties": {
              "memory_id": {"type": "string", "minLength": 1, "maxLength": 64, "description": "e.g. mem-a1b2c3d4e5f6g7h8"},
              "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5},
              "similarity_threshold": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.75,
                "description": "Lowest similarity to include; lower it to widen the net."}}}""",
            this::related),
        spec(json, BY_FILE, "Memories about a file", reads(), """
            The memories that name a file among their files, most important first: call it before you change \
            a file, to learn its decisions, conventions and past incidents. Give the path as stored \
            (repository-relative) or an absolute path that ends in it. Returns compact lines with snippets; \
            full texts with include_content.""",
            """
            {"type": "object", "additionalProperties": false, "required": ["file_path"], "properties": {
              "file_path": {"type": "string", "minLength": 1, "maxLength": 1000, "description": "e.g. src/db/pool.py"},
              "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
              "include_content": {"type": "boolean", "default": false,
                "description": "Full narratives instead of snippets (uses much more context)."}}}""",
            this::byFile),
        spec(json, EXPLORE, "Explore a topic's graph", reads(), """
            The memories a topic connects to: the best search hits for the query seed a subgraph that grows \
            along the relationships between memories (similar meaning, shared files or concepts, and links such \
            as depends_on, caused_by, supersedes, contradicts), strongest and most central first. Use it to see \
            the context around a subject: what a decision depends on, what an incident caused, what supersedes \
            what. Returns one line per memory (seeds marked *) and the relationships among them; read one in full \
            with memory_get_detail.""",
            """
            {"type": "object", "additionalProperties": false, "required": ["query"], "properties": {
              "query": {"type": "string", "minLength": 1, "maxLength": 4000,
                "description": "The topic or question to start from, e.g. 'database connection pooling'."},
              "max_nodes": {"type": "integer", "minimum": 1, "maximum": %d, "default": %d,
                "description": "The most memories in the subgraph, seeds included."},
              "relationship_types": {"type": "array", "maxItems": 7, "uniqueItems": true, "items": {"type": "string", "enum": %s},
                "description": "Only follow these kinds of relationship; all when absent."},
              "min_edge_confidence": {"type": "number", "minimum": 0, "maximum": 1, "default": 0,
                "description": "Only follow relationships at least this confident, e.g. 0.7."},
              "seed_limit": {"type": "integer", "minimum": 1, "maximum": %d, "default": %d,
                "description": "How many search hits to start from."}}}"""
                .formatted(ExploreQuery.MAX_NODES, ExploreQuery.DEFAULT_MAX_NODES, RELATIONSHIP_TYPE_ENUM,
                    ExploreQuery.MAX_SEED_LIMIT, ExploreQuery.DEFAULT_SEED_LIMIT),
            this::explore),
        spec(json, RATE, "Rate a memory", writes(), """
            Say whether a memory helped: useful=true when it was right and relevant to your task, false when it \
            was wrong, stale or misleading. The rating is kept and the memory's importance is learned again at \
            once, so useful memories rank higher in search and in the index, and misleading ones sink. Add a \
            short context (what you used it for, or what was wrong) so that people can act on it.""",
            """
            {"type": "object", "additionalProperties": false, "required": ["memory_id", "useful"], "properties": {
              "memory_id": {"type": "string", "minLength": 1, "maxLength": 64, "description": "e.g. mem-a1b2c3d4e5f6g7h8"},
              "useful": {"type": "boolean", "description": "true: it helped; false: it was wrong, stale or irrelevant."},
              "context": {"type": "string", "maxLength": 2000,
                "description": "What you used it for, or what was wrong with it."},
              "session_id": {"type": "string", "maxLength": 200, "description": "Your session, if you have an id for it."}}}""",
            this::rate));
  }

  private Future<CallToolResult> store(String ws, ToolArguments a) {
    NewMemory m = new NewMemory(a.requiredString("title", 500), a.requiredString("content", 100_000),
        a.oneOf("memory_type", MEMORY_TYPES).orElse("general"), a.strings("tags", 50, 200),
        a.strings("concepts", 50, 200), a.strings("files", 100, 1000), a.number("importance", 0.5, 0, 1),
        a.number("confidence", 0.5, 0, 1));
    return memories.store(ws, m).map(stored -> ToolResults.of(
        "Stored " + stored.memoryId() + " (" + stored.memoryType() + "): \"" + stored.title()
            + "\". Found by keywords now, and by meaning once it is embedded (seconds).",
        new JsonObject().put("memory_id", stored.memoryId()).put("title", stored.title())
            .put("memory_type", stored.memoryType()).put("created_at", Memory.timestamp(stored.createdAt()))));
  }

  private Future<CallToolResult> search(String ws, ToolArguments a) {
    String query = a.requiredString("query", 4000);
    boolean content = a.bool("include_content", false);
    SearchQuery q = new SearchQuery(query, a.oneOfEach("memory_types", MEMORY_TYPES), a.strings("tags", 50, 200),
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
    Optional<String> type = a.oneOf("memory_type", MEMORY_TYPES);
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
    Optional<String> type = a.oneOf("memory_type", MEMORY_TYPES);
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
    return graph.explore(ws, q).map(subgraph -> ExploredGraph.render(query, subgraph));
  }

  private Future<CallToolResult> rate(String ws, ToolArguments a) {
    String id = a.requiredString("memory_id", 64);
    boolean useful = a.requiredBool("useful");
    return memories.rate(ws, id, useful, a.optionalString("context", 2000).orElse(null),
            a.optionalString("session_id", 200).orElse(null))
        .map(f -> ToolResults.of("Recorded that " + id + " was " + (useful ? "useful" : "not useful")
            + ". Its importance is now " + ToolResults.decimal(f.importanceScore()) + (useful
            ? "; it ranks higher in search and in the index." : "; it ranks lower in search and in the index."),
            f.toJson()));
  }

  private AsyncToolSpecification spec(McpJsonMapper json, String name, String title, ToolAnnotations annotations,
                                      String description, String inputSchema, Handler handler) {
    Tool tool = Tool.builder(name, json, inputSchema).title(title).description(description)
        .annotations(annotations).build();
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

  private static ToolAnnotations reads() {
    return ToolAnnotations.builder().readOnlyHint(true).openWorldHint(false).build();
  }

  private static ToolAnnotations writes() {
    return ToolAnnotations.builder().readOnlyHint(false).destructiveHint(false).idempotentHint(false)
        .openWorldHint(false).build();
  }

  /**
   * The text and structure of memory_explore: one line per memory (seeds marked *), then one per
   * relationship, within the text budget; what does not fit is counted, and left out of both.
   */
  private static final class ExploredGraph {
    static CallToolResult render(String query, Subgraph g) {
      if (g.nodes().isEmpty()) {
        return ToolResults.of("No memories match \"" + query + "\", so there is nothing to explore from. Try other "
            + "words, or memory_get_index.", new JsonObject().put("query", query).put("nodes", new JsonArray())
            .put("edges", new JsonArray()).put("seed_memories", new JsonArray()).put("truncated", false));
      }
      Set<String> seeds = new HashSet<>(g.seedMemories());
      StringBuilder t = new StringBuilder().append(g.nodes().size()).append(" memories around \"").append(query)
          .append("\" (").append(g.seedMemories().size()).append(" search hits marked *, then what they connect "
              + "to, strongest first; ").append(g.edges().size()).append(" relationships among them):\n");
      JsonArray nodes = new JsonArray();
      JsonArray edges = new JsonArray();
      int left = 0;
      for (GraphNode n : g.nodes()) {
        String line = (seeds.contains(n.memoryId()) ? "* " : "  ") + n.memoryId() + " · " + n.memoryType() + " · \""
            + n.title() + "\" · importance " + ToolResults.decimal(n.importanceScore())
            + (n.pagerankScore() == null ? "" : " · pagerank " + ToolResults.decimal(n.pagerankScore()))
            + (n.communityLabel() == null ? "" : " · community " + n.communityLabel()) + "\n";
        if (t.length() + line.length() > ToolResults.TEXT_BUDGET) {
          left++;
        } else {
          t.append(line);
          nodes.add(n.toJson());
        }
      }
      Set<String> shown = new HashSet<>();
      nodes.forEach(n -> shown.add(((JsonObject) n).getString("memory_id")));
      if (!g.edges().isEmpty()) {
        t.append("\nRelationships:\n");
      }
      for (GraphEdge e : g.edges()) {
        String line = e.sourceMemoryId() + " —" + e.relationshipType() + " " + ToolResults.decimal(e.confidence())
            + "→ " + e.targetMemoryId() + "\n";
        if (!shown.contains(e.sourceMemoryId()) || !shown.contains(e.targetMemoryId())
            || t.length() + line.length() > ToolResults.TEXT_BUDGET) {
          left++;
        } else {
          t.append(line);
          edges.add(e.toJson());
        }
      }
      JsonObject s = new JsonObject().put("query", query).put("nodes", nodes).put("edges", edges)
          .put("seed_memories", new JsonArray(g.seedMemories())).put("truncated", left > 0);
      if (left > 0) {
        String note = left + " more memories and relationships not shown: the output is capped at "
            + ToolResults.TEXT_BUDGET + " characters; lower max_nodes, or raise min_edge_confidence.";
        t.append(note).append('\n');
        s.put("not_shown", left).put("note", note);
      }
      return ToolResults.of(t.toString().stripTrailing(), s);
    }
  }

  /** The text and structure of memory_get_detail. */
  private static final class DetailText {
    static CallToolResult render(JsonObject d, List<SearchResult> similar, boolean includeRelated) {
      String narrative = d.getString("narrative");
      StringBuilder t = new StringBuilder()
          .append(d.getString("memory_id")).append(" · ").append(d.getString("memory_type")).append(" · \"")
          .append(d.getString("title")).append("\"\n")
          .append("importance ").append(ToolResults.decimal(d.getDouble("importance_score")))
          .append(" · confidence ").append(ToolResults.decimal(d.getDouble("confidence_score")))
          .append(" · accessed ").append(d.getInteger("access_count")).append(" times")
          .append(" · in search results ").append(d.getInteger("retrieval_count")).append(" times")
          .append(" · created ").append(d.getString("created_at")).append('\n');
      if (d.getValue("pagerank_score") != null || d.getValue("community_label") != null) {
        t.append("pagerank ").append(d.getValue("pagerank_score") == null ? "-"
                : ToolResults.decimal(d.getDouble("pagerank_score")))
            .append(" · community ").append(d.getString("community_label", "-")).append('\n');
      }
      int up = d.getInteger("feedback_positive_count", 0);
      int down = d.getInteger("feedback_negative_count", 0);
      if (up + down > 0) {
        t.append("feedback: ").append(up).append(" useful, ").append(down).append(" not useful\n");
      }
      list(t, "tags", d.getJsonArray("tags"));
      list(t, "concepts", d.getJsonArray("concepts"));
      list(t, "files", d.getJsonArray("source_files"));
      t.append('\n').append(ToolResults.cut(narrative, ToolResults.DETAIL_CONTENT_CHARS)).append('\n');

      JsonArray outgoing = d.getJsonArray("outgoing_relationships");
      JsonArray incoming = d.getJsonArray("incoming_relationships");
      JsonArray out = new JsonArray();
      JsonArray in = new JsonArray();
      if (!outgoing.isEmpty() || !incoming.isEmpty()) {
        t.append("\nRelationships (").append(outgoing.size()).append(" outgoing, ").append(incoming.size())
            .append(" incoming):\n");
      }
      int lines = 0;
      for (int i = 0; i < outgoing.size(); i++) {
        JsonObject r = outgoing.getJsonObject(i);
        if (lines++ < RELATIONSHIP_LINES) {
          out.add(edge(r, "target_memory_id"));
          t.append("→ ").append(edgeLine(r, "target_memory_id")).append('\n');
        }
      }
      for (int i = 0; i < incoming.size(); i++) {
        JsonObject r = incoming.getJsonObject(i);
        if (lines++ < RELATIONSHIP_LINES) {
          in.add(edge(r, "source_memory_id"));
          t.append("← ").append(edgeLine(r, "source_memory_id")).append('\n');
        }
      }
      boolean truncated = lines > RELATIONSHIP_LINES || narrative.length() > ToolResults.DETAIL_CONTENT_CHARS;
      if (lines > RELATIONSHIP_LINES) {
        t.append("(").append(lines - RELATIONSHIP_LINES)
            .append(" more relationships not shown; GET /api/v1/memories/{memory_id} lists them all)\n");
      }
      JsonArray similarItems = new JsonArray();
      if (includeRelated) {
        t.append(similar.isEmpty() ? "\nNo similar memories (none close enough, or not embedded yet).\n"
            : "\nSimilar memories:\n");
        int n = 1;
        for (SearchResult r : similar) {
          Memory m = r.memory();
          t.append(n++).append(". ").append(m.memoryId()).append(" · ").append(m.memoryType()).append(" · \"")
              .append(m.title()).append("\" · similarity ").append(ToolResults.decimal(r.score())).append('\n');
          similarItems.add(ToolResults.item(m, r.score(), false));
        }
      }

      JsonObject s = new JsonObject();
      for (String field : List.of("memory_id", "title", "memory_type")) {
        s.put(field, d.getValue(field));
      }
      s.put("narrative", ToolResults.cut(narrative, ToolResults.DETAIL_CONTENT_CHARS));
      if (narrative.length() > ToolResults.DETAIL_CONTENT_CHARS) {
        s.put("narrative_truncated", true);
      }
      for (String field : List.of("tags", "concepts", "source_files", "importance_score", "confidence_score",
          "pagerank_score", "community_label", "access_count", "retrieval_count", "feedback_positive_count",
          "feedback_negative_count", "created_at", "updated_at", "last_accessed_at")) {
        s.put(field, d.getValue(field));
      }
      s.put("outgoing_relationships", out).put("incoming_relationships", in)
          .put("relationship_count", outgoing.size() + incoming.size()).put("truncated", truncated);
      if (includeRelated) {
        s.put("related_memories", similarItems);
      }
      return ToolResults.of(t.toString().stripTrailing(), s);
    }

    private static void list(StringBuilder t, String label, JsonArray values) {
      if (values != null && !values.isEmpty()) {
        t.append(label).append(": ").append(String.join(", ", values.stream().map(String::valueOf).toList()))
            .append('\n');
      }
    }

    private static String edgeLine(JsonObject r, String other) {
      return r.getString("relationship_type") + " " + r.getString(other) + " (confidence "
          + ToolResults.decimal(r.getDouble("confidence")) + ", " + r.getString("discovery_method") + ")";
    }

    private static JsonObject edge(JsonObject r, String other) {
      return new JsonObject().put(other, r.getString(other)).put("relationship_type", r.getString("relationship_type"))
          .put("confidence", r.getDouble("confidence")).put("discovery_method", r.getString("discovery_method"));
    }
  }
}
