package dev.mnemograph.api.graph;

import dev.mnemograph.memory.Relationship;

import java.util.List;

/** A filter by relationship type, as the graph endpoints take it: no types given means every type. */
final class RelationshipTypes {
  private RelationshipTypes() {
  }

  static List<String> orAll(List<String> types) {
    if (types == null || types.isEmpty()) {
      return Relationship.TYPES;
    }
    for (String t : types) {
      if (!Relationship.TYPES.contains(t)) {
        throw new IllegalArgumentException("Unknown relationship type '" + t + "'");
      }
    }
    return List.copyOf(types);
  }
}
