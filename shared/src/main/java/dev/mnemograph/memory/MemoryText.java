package dev.mnemograph.memory;

import java.util.List;

/**
 * The parts of a memory its embedding is made from.
 *
 * @param textHash a digest of those parts as read, so that a vector is stored only for the text it was made from
 */
public record MemoryText(String workspaceId, String memoryId, String title, String narrative,
                         List<String> concepts, List<String> tags, String textHash) {
}
