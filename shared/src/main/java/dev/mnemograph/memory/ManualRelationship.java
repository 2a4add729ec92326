package dev.mnemograph.memory;

/**
 * A relationship a client adds by hand (POST /memories/{id}/relationships): from one memory to another of the
 * same workspace, of one of {@link Relationship#TYPES}.
 */
public record ManualRelationship(String sourceMemoryId, String targetMemoryId, String type, double confidence,
                                 boolean bidirectional, String context) {
}
