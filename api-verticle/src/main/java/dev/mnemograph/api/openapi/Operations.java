package dev.mnemograph.api.openapi;

import dev.mnemograph.api.auth.TokenAuth;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/** The operationIds of schema/openapi.yaml; each has exactly one handler (a test checks). */
public final class Operations {
  public static final String STORE_MEMORY = "storeMemory";
  public static final String LIST_MEMORIES = "listMemories";
  public static final String GET_MEMORY = "getMemory";
  public static final String UPDATE_MEMORY = "updateMemory";
  public static final String DELETE_MEMORY = "deleteMemory";
  public static final String BATCH_DELETE_MEMORIES = "batchDeleteMemories";
  public static final String RECORD_MEMORY_ACCESS = "recordMemoryAccess";
  public static final String RECORD_MEMORY_RETRIEVAL = "recordMemoryRetrieval";
  public static final String GET_RELATED_MEMORIES = "getRelatedMemories";
  public static final String ADD_RELATIONSHIP = "addRelationship";
  public static final String SEARCH_MEMORIES = "searchMemories";
  public static final String GET_MEMORY_INDEX = "getMemoryIndex";
  public static final String GET_MEMORY_TIMELINE = "getMemoryTimeline";
  public static final String GET_WORKSPACE = "getWorkspace";
  public static final String FIND_MEMORY_PATH = "findMemoryPath";
  public static final String EXPLORE_MEMORIES = "exploreMemories";
  public static final String GET_MEMORY_GRAPH = "getMemoryGraph";
  public static final String RECORD_MEMORY_FEEDBACK = "recordMemoryFeedback";
  public static final String LIST_WORKSPACES = "listWorkspaces";
  public static final String GET_WORKSPACE_INSIGHT = "getWorkspaceInsight";
  public static final String GET_SDLC_VERSION = "getSdlcVersion";
  public static final String START_SESSION = "startSession";
  public static final String LIST_SESSIONS = "listSessions";
  public static final String GET_SESSION = "getSession";
  public static final String END_SESSION = "endSession";
  public static final String RECORD_OBSERVATIONS = "recordObservations";
  public static final String SYNC_CODE_GRAPH = "syncCodeGraph";

  public static final String SECURITY_SCHEME = "tokenAuth";
  /** The contract, on the classpath (shipped from schema/ by the shared module). */
  public static final String CONTRACT = "schema/openapi.yaml";
  public static final String BASE_PATH = "/api/v1";
  /** Bodies over this get 413 before anything else reads them (REST and MCP). */
  public static final int BODY_LIMIT_BYTES = 256 * 1024;
  /** POST /observations/batch's own limit: a client replays a buffer of up to 10,000 hook payloads at once. */
  public static final int OBSERVATIONS_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
  public static final String OBSERVATIONS_BATCH_PATH = BASE_PATH + "/observations/batch";

  /** The body limit of this request: a batch of observations sent with a Token key has its own. */
  public static int bodyLimit(HttpServerRequest request) {
    return OBSERVATIONS_BATCH_PATH.equals(request.path())
        && TokenAuth.key(request.getHeader(HttpHeaders.AUTHORIZATION)) != null
        ? OBSERVATIONS_BODY_LIMIT_BYTES : BODY_LIMIT_BYTES;
  }

  private Operations() {
  }
}
