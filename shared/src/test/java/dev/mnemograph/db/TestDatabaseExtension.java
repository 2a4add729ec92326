package dev.mnemograph.db;

import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.util.Locale;

/**
 * A {@link TestDatabase} of the test class's own: started when a test or a {@code @BeforeAll} method of the
 * class first asks for it (a {@link TestDatabase} or {@link Pool} parameter), closed after the class's last
 * test and its {@code @AfterAll} methods. Named after the class, so target/test-data says whose it is.
 */
public final class TestDatabaseExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(TestDatabaseExtension.class);

  /** Closes the database with the class's extension context. */
  private record Started(TestDatabase db) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      db.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestDatabase.class || type == Pool.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestDatabase db = of(context);
    return parameter.getParameter().getType() == Pool.class ? db.pool() : db;
  }

  /** The class's database, started on first use. */
  public static TestDatabase of(ExtensionContext context) {
    ExtensionContext classContext = context.getTestClass().isPresent() && context.getTestMethod().isPresent()
        ? context.getParent().orElse(context) : context;
    Class<?> testClass = classContext.getRequiredTestClass();
    return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(testClass, c -> new Started(
        TestDatabase.start(testClass.getSimpleName().replaceFirst("Test$", "").toLowerCase(Locale.ROOT))),
        Started.class).db();
  }
}
