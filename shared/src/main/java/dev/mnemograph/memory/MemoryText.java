package dev.mnemograph.memory;

import java.util.List;

/** The parts of a memory its embedding is made from. */
public record MemoryText(String workspaceId, String memoryId, String title, String narrative,
                         List<String> concepts, List<String> tags) {
}
