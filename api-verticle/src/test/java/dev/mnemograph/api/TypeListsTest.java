package dev.mnemograph.api;

import dev.mnemograph.db.TestDatabaseExtension;
import dev.mnemograph.memory.Memory;
import dev.mnemograph.memory.Relationship;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory and relationship types are written out where the code cannot import them: the contract's enums,
 * the database's CHECK constraints, the MCP tools' schemas and the web UI. Each must equal the one list in
 * code ({@link Memory#TYPES}, {@link Relationship#TYPES}), in the same order.
 */
@ExtendWith(TestDatabaseExtension.class)
class TypeListsTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String resource) throws IOException {
    try (InputStream in = TypeListsTest.class.getClassLoader().getResourceAsStream(resource)) {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Map<String, Object> map, String... path) {
    Object v = map;
    for (String key : path) {
      v = ((Map<String, Object>) v).get(key);
    }
    return (T) v;
  }

  /** The values of a CHECK (column IN (...)) constraint on the table's column, in their order. */
  private static List<String> checkList(Pool pool, String table, String column) {
    String definition = pool.preparedQuery("""
            SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
            WHERE c.conrelid = $1::regclass AND c.contype = 'c' AND pg_get_constraintdef(c.oid) LIKE '%' || $2 || '%'""")
        .execute(Tuple.of(table, column)).await().iterator().next().getString(0);
    return quoted(definition, Pattern.compile("'(\\w+)'"));
  }

  private static List<String> quoted(String text, Pattern value) {
    List<String> values = new ArrayList<>();
    Matcher m = value.matcher(text);
    while (m.find()) {
      values.add(m.group(1));
    }
    return values;
  }

  /** {@code export const NAME = ['a', 'b', ...];} in one of the web UI's modules. */
  private static List<String> uiList(String module, String name) throws IOException {
    try (InputStream in = TypeListsTest.class.getClassLoader().getResourceAsStream("mnemograph-ui/js/" + module)) {
      String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("export const " + name + " = \\[([^\\]]*)]").matcher(js);
      assertTrue(m.find(), name + " not found in " + module);
      return quoted(m.group(1), Pattern.compile("'(\\w+)'"));
    }
  }

  @Test
  void the_contract_has_the_same_types() throws IOException {
    Map<String, Object> contract = yaml("schema/openapi.yaml");

    assertEquals(Memory.TYPES, at(contract, "components", "schemas", "MemoryType", "enum"));
    assertEquals(Relationship.TYPES, at(contract, "components", "schemas", "RelationshipType", "enum"));
  }

  @Test
  void the_database_checks_the_same_types(Pool pool) {
    assertEquals(Memory.TYPES, checkList(pool, "memory", "memory_type"));
    assertEquals(Relationship.TYPES, checkList(pool, "memory_relationship", "relationship_type"));
  }

  @Test
  void every_type_enum_of_the_mcp_tools_has_the_same_types() throws IOException {
    List<Map<String, Object>> tools = at(yaml("schema/mcp-tools.yaml"), "tools");
    int memoryTypeEnums = 0;
    int relationshipTypeEnums = 0;
    for (Map<String, Object> tool : tools) {
      Map<String, Map<String, Object>> properties = at(tool, "inputSchema", "properties");
      for (Map.Entry<String, Map<String, Object>> p : properties.entrySet()) {
        Object values = p.getValue().containsKey("items") ? at(p.getValue(), "items", "enum") : p.getValue().get("enum");
        if (p.getKey().startsWith("memory_type")) {
          assertEquals(Memory.TYPES, values, tool.get("name") + "." + p.getKey());
          memoryTypeEnums++;
        } else if (p.getKey().equals("relationship_types")) {
          assertEquals(Relationship.TYPES, values, tool.get("name") + "." + p.getKey());
          relationshipTypeEnums++;
        }
      }
    }
    assertEquals(4, memoryTypeEnums);   // memory_store, memory_search, memory_get_index, memory_get_timeline
    assertEquals(1, relationshipTypeEnums);   // memory_explore
  }

  @Test
  void the_web_ui_offers_the_same_types() throws IOException {
    assertEquals(Memory.TYPES, uiList("dom.js", "MEMORY_TYPES"));
    assertEquals(Relationship.TYPES, uiList("dom.js", "RELATIONSHIP_TYPES"));
  }
}
