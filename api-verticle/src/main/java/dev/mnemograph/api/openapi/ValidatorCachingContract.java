package dev.mnemograph.api.openapi;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract as loaded, except that each of its schemas gets its validator built once rather than on every
 * request. vertx-openapi 5.0.7 asks {@link SchemaRepository#validator(JsonSchema)} for a new validator for every
 * parameter and body of every request, and vertx-json-schema's validator copies the whole contract's schema
 * lookup into a new HashMap when it is built: in a profile of {@code GET /memories/{id}} that copy took a large
 * share of the API node's CPU (BENCHMARKS.md, "The request path and load"). A validator only reads its lookup
 * and the schemas, and the lookup no longer changes once the contract is loaded, so one validator per schema
 * serves every event loop. Everything else is the contract's own.
 */
public final class ValidatorCachingContract implements OpenAPIContract {
  private final OpenAPIContract contract;
  private final SchemaRepository schemas;

  public ValidatorCachingContract(OpenAPIContract contract) {
    this.contract = contract;
    this.schemas = new ValidatorCachingRepository(contract.getSchemaRepository());
  }

  @Override
  public SchemaRepository getSchemaRepository() {
    return schemas;
  }

  @Override
  public Operation operation(String operationId) {
    return contract.operation(operationId);
  }

  @Override
  public List<Operation> operations() {
    return contract.operations();
  }

  @Override
  public List<Path> getPaths() {
    return contract.getPaths();
  }

  @Override
  public JsonObject getRawContract() {
    return contract.getRawContract();
  }

  @Override
  public OpenAPIVersion getVersion() {
    return contract.getVersion();
  }

  @Override
  public List<Server> getServers() {
    return contract.getServers();
  }

  @Override
  public Path findPath(String urlPath) {
    return contract.findPath(urlPath);
  }

  @Override
  public Operation findOperation(String urlPath, HttpMethod method) {
    return contract.findOperation(urlPath, method);
  }

  @Override
  public List<SecurityRequirement> getSecurityRequirements() {
    return contract.getSecurityRequirements();
  }

  @Override
  public SecurityScheme securityScheme(String name) {
    return contract.securityScheme(name);
  }

  /** Caches {@link #validator(JsonSchema)} by schema instance (the contract's parameters and bodies keep theirs). */
  private static final class ValidatorCachingRepository implements SchemaRepository {
    private final SchemaRepository repository;
    private final Map<Identity, Validator> validators = new ConcurrentHashMap<>();

    ValidatorCachingRepository(SchemaRepository repository) {
      this.repository = repository;
    }

    @Override
    public Validator validator(JsonSchema schema) {
      return validators.computeIfAbsent(new Identity(schema), k -> repository.validator(schema));
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) throws SchemaException {
      repository.dereference(schema);
      validators.clear();
      return this;
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) throws SchemaException {
      repository.dereference(uri, schema);
      validators.clear();
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      repository.preloadMetaSchema(fs);
      validators.clear();
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      repository.preloadMetaSchema(fs, draft);
      validators.clear();
      return this;
    }

    @Override
    public Validator validator(String ref) {
      return repository.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return repository.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return repository.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return repository.resolve(schema);
    }

    @Override
    public JsonSchema find(String pointer) {
      return repository.find(pointer);
    }
  }

  /** A schema by identity: schemas are JSON objects, whose equals and hashCode would walk them whole. */
  private static final class Identity {
    private final Object ref;

    Identity(Object ref) {
      this.ref = ref;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Identity other && other.ref == ref;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(ref);
    }
  }
}
