package dev.mnemograph.api;

import dev.mnemograph.api.auth.ApiKeyCache;
import dev.mnemograph.api.codegraph.CodeGraphHandler;
import dev.mnemograph.api.graph.GraphHandler;
import dev.mnemograph.api.graph.GraphRepository;
import dev.mnemograph.api.graph.GraphService;
import dev.mnemograph.api.mcp.McpEndpoint;
import dev.mnemograph.api.mcp.MemoryTools;
import dev.mnemograph.api.memory.AccessEvents;
import dev.mnemograph.api.memory.MemoryHandler;
import dev.mnemograph.api.memory.MemoryService;
import dev.mnemograph.api.observations.ObservationHandler;
import dev.mnemograph.api.openapi.Operations;
import dev.mnemograph.api.sdlc.SdlcHandler;
import dev.mnemograph.api.search.HybridRanking;
import dev.mnemograph.api.search.QueryEmbeddings;
import dev.mnemograph.api.search.SearchHandler;
import dev.mnemograph.api.search.SearchRepository;
import dev.mnemograph.api.search.SearchService;
import dev.mnemograph.api.sessions.SessionHandler;
import dev.mnemograph.api.sessions.SessionRepository;
import dev.mnemograph.api.workspace.WorkspaceHandler;
import dev.mnemograph.api.workspace.WorkspaceInsightRepository;
import dev.mnemograph.db.TestDatabase;
import dev.mnemograph.db.TestDatabaseExtension;
import dev.mnemograph.memory.MemoryRepository;
import dev.mnemograph.memory.RelationshipRepository;
import dev.mnemograph.node.Health;
import dev.mnemograph.node.Metrics;
import dev.mnemograph.vector.VectorSearch;
import dev.mnemograph.workspace.WorkspaceRepository;
import io.vertx.core.Vertx;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The contract in schema/ is the HTTP surface: every operation has a handler and no handler is orphaned. */
@ExtendWith(TestDatabaseExtension.class)
class ContractTest {

  @Test
  void every_operation_of_the_contract_has_exactly_one_handler(TestDatabase db) {
    Vertx vertx = db.vertx();
    OpenAPIContract contract = OpenAPIContract.from(vertx, Operations.CONTRACT).await();
    var pool = db.pool();
    MemoryService memories = new MemoryService(pool, new MemoryRepository(pool, 90), new RelationshipRepository(),
        new VectorSearch(100), new AccessEvents(vertx, pool), vertx.eventBus());
    SearchService search = new SearchService(pool, new SearchRepository(100), new MemoryRepository(pool, 90),
        new QueryEmbeddings(vertx.eventBus(), Duration.ofSeconds(1)), HybridRanking.DEFAULT);
    GraphService graph = new GraphService(pool, new GraphRepository(), search);
    WorkspaceRepository workspaces = new WorkspaceRepository(pool);
    ApiKeyCache keys = new ApiKeyCache(workspaces, Duration.ZERO);
    ApiRouter router = new ApiRouter(vertx, keys, new ApiRouter.Handlers(
        new MemoryHandler(pool, memories, 0.75), new SearchHandler(search), new GraphHandler(graph),
        new WorkspaceHandler(workspaces, new WorkspaceInsightRepository(pool)), new SdlcHandler("0.1.0"),
        new SessionHandler(new SessionRepository(pool), vertx.eventBus()), new ObservationHandler(pool, vertx.eventBus()),
        new CodeGraphHandler(pool)),
        new McpEndpoint(keys, new MemoryTools(memories, search, graph, 0.75), 1024),
        new Health(pool, "api"), new Metrics());

    Set<String> operations = new TreeSet<>();
    for (Operation op : contract.operations()) {
      operations.add(op.getOperationId());
    }

    assertEquals(operations, new TreeSet<>(router.handlers().keySet()));
  }
}
