package dev.mnemograph.vector;

/** A memory near a vector, with its cosine similarity (1 = same direction). */
public record Neighbour(String memoryId, double similarity) {
}
