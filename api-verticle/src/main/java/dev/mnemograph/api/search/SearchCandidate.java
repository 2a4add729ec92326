package dev.mnemograph.api.search;

import java.util.List;

/**
 * A memory that the keyword or the semantic side of a search brought up, with its raw signals.
 *
 * @param similarity   cosine similarity to the query, null without an embedding (or without a query vector)
 * @param keyword      IDF-weighted sum of its per-term ranks; 0 when no query term matched
 * @param coverage     the share of the query's IDF weight that the memory matches (0..1): all of its terms
 *                     or only a common one
 * @param matchedTerms the query's stemmed terms found in the memory
 */
public record SearchCandidate(String memoryId, double importance, Double similarity, double keyword,
                              double coverage, List<String> matchedTerms) {
}
