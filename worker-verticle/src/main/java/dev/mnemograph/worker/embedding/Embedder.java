package dev.mnemograph.worker.embedding;

import com.pgvector.PGvector;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-JVM embedding model with its own sized thread pool. Its methods block for the time the model
 * computes: call them from a worker thread, never from an event loop.
 */
public final class Embedder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Embedder.class);

  private final EmbeddingModelChoice choice;
  private final EmbeddingModel model;
  private final ExecutorService threads;

  private Embedder(EmbeddingModelChoice choice, EmbeddingModel model, ExecutorService threads) {
    this.choice = choice;
    this.model = model;
    this.threads = threads;
  }

  /** Loads the model from the jar (a fraction of a second); {@code threads} bounds its CPU use. */
  public static Embedder load(EmbeddingModelChoice choice, int threads) {
    long started = System.nanoTime();
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "mnemograph-embedding-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    EmbeddingModel model = choice.load(pool);
    LOG.info("Embedding model {} ({} dimensions) loaded in {} ms, {} thread(s)", choice.configName(),
        model.dimension(), (System.nanoTime() - started) / 1_000_000, threads);
    if (model.dimension() != choice.dimension()) {
      throw new IllegalStateException("Model " + choice.configName() + " has " + model.dimension()
          + " dimensions, expected " + choice.dimension());
    }
    return new Embedder(choice, model, pool);
  }

  public String modelName() {
    return choice.configName();
  }

  public int dimension() {
    return choice.dimension();
  }

  /** One vector per text, in order, each in pgvector's text form ({@code [0.1,0.2,...]}). */
  public List<String> embedAll(List<String> texts) {
    List<Embedding> embeddings = model.embedAll(texts.stream().map(TextSegment::from).toList()).content();
    return embeddings.stream().map(e -> toVector(e.vector())).toList();
  }

  /**
   * A search query's vector (pgvector text form), embedded as it is: bge-small's recommended query
   * instruction ("Represent this sentence for searching relevant passages: ") measured slightly worse on
   * the LoCoMo development split (BENCHMARKS.md, "Search quality").
   */
  public String embedQuery(String query) {
    return toVector(model.embed(query).content().vector());
  }

  static String toVector(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        throw new IllegalStateException("The model produced a non-finite value; refusing to store it");
      }
    }
    return new PGvector(v).getValue();
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }
}
