package dev.mnemograph.memory;

import java.util.List;

/** What a client stores; the contract has already checked it (lengths, ranges, types). */
public record NewMemory(
    String title,
    String narrative,
    String memoryType,
    List<String> tags,
    List<String> concepts,
    List<String> sourceFiles,
    double importanceScore,
    double confidenceScore) {
}
